package io.lethe.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lethe.audit.AuditChain;
import io.lethe.audit.Checkpoint;
import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.audit.SyncQuery;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/sync-log} (JSON or CSV, filtered, paged by seq), {@code GET /api/v1/audit/verify} (against the
 * latest checkpoint issued), {@code POST /api/v1/audit/verify} (against an exported checkpoint) and
 * {@code GET /api/v1/audit/checkpoint} (issue a signed one).
 */
public final class AuditApi {

    private static final Set<String> PARAMS = Set.of("vendor", "subjectId", "requestId", "from", "to", "after", "limit",
            "format");
    private static final String CSV_HEADER = "seq,at,vendor,subjectId,requestId,action,outcome,httpStatus,attempt,"
            + "detail,hash,prevHash";

    private final SyncLog syncLog;
    private final AuditChain chain;
    private final Json json;
    private final Responses responses;

    public AuditApi(SyncLog syncLog, AuditChain chain, Json json, Responses responses) {
        this.syncLog = syncLog;
        this.chain = chain;
        this.json = json;
        this.responses = responses;
    }

    public void syncLog(Exchange exchange) {
        QueryParams q = new QueryParams(exchange, PARAMS);
        SyncQuery query = new SyncQuery(q.text("vendor", 64), q.text("subjectId", 36), q.text("requestId", 64),
                q.instant("from"), q.instant("to"), q.number("after", 0, 0, Long.MAX_VALUE),
                (int) q.number("limit", 100, 1, 1000));
        String format = q.oneOf("format", List.of("json", "csv"), "json");
        q.throwIfInvalid();

        List<SyncEntry> found = syncLog.find(query);
        boolean more = found.size() > query.limit();
        List<SyncEntry> page = more ? found.subList(0, query.limit()) : found;
        Long nextAfter = more ? page.get(page.size() - 1).seq() : null;
        if (format.equals("csv")) {
            csv(exchange, page, nextAfter);
            return;
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        page.forEach(e -> entries.add(e.toDocument()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entries", entries);
        body.put("nextAfter", nextAfter);
        responses.json(exchange, 200, body);
    }

    public void verify(Exchange exchange) {
        responses.json(exchange, 200, chain.verify().toJson());
    }

    /** The body is an exported checkpoint document; it must carry this hub's signature. */
    public void verifyAgainst(Exchange exchange) {
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.parse(json.readObject(exchange));
        } catch (Checkpoint.Invalid e) {
            throw ApiProblem.invalid(e.field(), e.reason());
        }
        responses.json(exchange, 200, chain.verify(checkpoint).toJson());
    }

    public void checkpoint(Exchange exchange) {
        Checkpoint issued;
        try {
            issued = chain.issue();
        } catch (IllegalStateException broken) {
            throw new ApiProblem(409, "Conflict", "The sync log does not verify, so no checkpoint is issued over it;"
                    + " see GET /api/v1/audit/verify.");
        }
        responses.json(exchange, 200, issued.toDocument());
    }

    /** Sync-log entries as CSV (RFC 4180, CRLF, a header line), formula-like cells neutralised (see {@link #cell}). */
    public static String csv(List<SyncEntry> entries) {
        StringBuilder out = new StringBuilder(CSV_HEADER).append("\r\n");
        for (SyncEntry e : entries) {
            Object[] cells = {e.seq(), e.at(), e.vendor(), e.subjectId(), e.requestId(), e.action(), e.outcome(),
                e.httpStatus(), e.attempt(), e.detail(), e.hash(), e.prevHash()};
            for (int i = 0; i < cells.length; i++) {
                out.append(i == 0 ? "" : ",").append(cell(cells[i]));
            }
            out.append("\r\n");
        }
        return out.toString();
    }

    private static void csv(Exchange exchange, List<SyncEntry> page, Long nextAfter) {
        String out = csv(page);
        var message = exchange.getMessage();
        Responses.clearInboundHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "text/csv; charset=UTF-8");
        if (nextAfter != null) {
            message.setHeader("Lethe-Next-After", nextAfter);
        }
        message.setBody(out);
    }

    /** RFC 4180 quoting, and a leading quote mark on cells a spreadsheet would run as a formula. */
    public static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            s = "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
