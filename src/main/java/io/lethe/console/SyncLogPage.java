package io.lethe.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.api.AuditApi;
import io.lethe.audit.AuditChain;
import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.audit.SyncQuery;
import io.lethe.audit.Verdict;
import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.Connectors;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/sync-log}: the per-vendor sync log, filtered (vendor, request, subject, action, outcome, days)
 * and paged by seq, with the chain's verification and its first broken entry; {@code GET /console/sync-log.csv}: the
 * same filters' every row as CSV (the API's format, formula-like cells neutralised). Filters are ids and codes only.
 */
public final class SyncLogPage {

    static final int PAGE = 50;
    /** Rows one export may hold; past it the export is refused and the filters should be narrowed. */
    static final int MAX_EXPORT = 100_000;

    /** The filters as the form shows them. */
    public record Filters(String vendor, String requestId, String subjectId, String action, String outcome,
            String from, String to) {

        /** The filters as a query string (without paging), for links. */
        public String query() {
            return Fmt.query(map());
        }

        /** The filters and {@code after}, for the next page's link. */
        public String queryAfter(long after) {
            Map<String, Object> m = map();
            m.put("after", after);
            return Fmt.query(m);
        }

        private Map<String, Object> map() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("vendor", vendor);
            m.put("requestId", requestId);
            m.put("subjectId", subjectId);
            m.put("action", action);
            m.put("outcome", outcome);
            m.put("from", from);
            m.put("to", to);
            return m;
        }
    }

    /** The page's view. */
    public record View(Frame frame, Filters filters, List<String> vendors, List<String> problems, List<SyncEntry> entries,
            Long nextAfter, boolean paged, Verdict verdict) {

        public boolean broken(SyncEntry e) {
            return !verdict.valid() && verdict.firstBrokenSeq() != null && verdict.firstBrokenSeq() == e.seq();
        }
    }

    private final SyncLog syncLog;
    private final AuditChain chain;
    private final Connectors connectors;
    private final ConsoleView view;

    public SyncLogPage(SyncLog syncLog, AuditChain chain, Connectors connectors, ConsoleView view) {
        this.syncLog = syncLog;
        this.chain = chain;
        this.connectors = connectors;
        this.view = view;
    }

    public void show(Exchange exchange) {
        Params p = Params.of(exchange);
        SyncQuery query = query(p, PAGE);
        long after = p.number("after", "After seq", 0, 0, Long.MAX_VALUE);
        List<String> problems = p.problems();
        List<SyncEntry> page = List.of();
        Long next = null;
        if (problems.isEmpty()) {
            List<SyncEntry> found = syncLog.find(query.after(after));
            boolean more = found.size() > PAGE;
            page = more ? found.subList(0, PAGE) : found;
            next = more ? page.get(page.size() - 1).seq() : null;
        }
        List<String> vendors = new ArrayList<>();
        connectors.known().stream().map(ConnectorDescriptor::id).sorted().forEach(vendors::add);
        view.page(exchange, problems.isEmpty() ? 200 : 400, "sync-log", new View(
                Frame.of(exchange, "Sync log", "/console/sync-log"), filters(p), vendors, problems, page, next,
                after > 0, chain.verify()));
    }

    public void export(Exchange exchange) {
        Params p = Params.of(exchange);
        SyncQuery query = query(p, 1000);
        if (!p.problems().isEmpty()) {
            throw ConsoleRefusal.invalid(String.join(" ", p.problems()));
        }
        List<SyncEntry> rows = new ArrayList<>();
        long after = 0;
        while (true) {
            List<SyncEntry> found = syncLog.find(query.after(after));
            boolean more = found.size() > query.limit();
            List<SyncEntry> chunk = more ? found.subList(0, query.limit()) : found;
            rows.addAll(chunk);
            if (rows.size() > MAX_EXPORT) {
                throw new ConsoleRefusal(409, "More than " + MAX_EXPORT + " entries match: narrow the filters"
                        + " (a vendor, fewer days) and export again.");
            }
            if (!more) {
                break;
            }
            after = chunk.get(chunk.size() - 1).seq();
        }
        ConsoleView.download(exchange.getMessage(), "text/csv; charset=UTF-8", "sync-log.csv", AuditApi.csv(rows));
    }

    private static SyncQuery query(Params p, int limit) {
        return new SyncQuery(p.id("vendor", "Vendor"), p.id("subjectId", "Subject id"), p.id("requestId", "Request id"),
                p.code("action", "Action"), p.code("outcome", "Outcome"), p.day("from", "From", false),
                p.day("to", "To", true), 0, limit);
    }

    private static Filters filters(Params p) {
        return new Filters(p.raw("vendor"), p.raw("requestId"), p.raw("subjectId"), p.raw("action"), p.raw("outcome"),
                p.raw("from"), p.raw("to"));
    }
}
