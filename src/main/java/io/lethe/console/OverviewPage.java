package io.lethe.console;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lethe.api.ConnectorApi;
import io.lethe.audit.AuditChain;
import io.lethe.audit.Verdict;
import io.lethe.connectors.Connectors;
import io.lethe.dispatch.Outbox;
import io.lethe.dispatch.StalledCommands;
import io.lethe.reconcile.ReconcileRuns;
import io.lethe.requests.RequestQuery;
import io.lethe.requests.RequestService;
import io.lethe.requests.RequestSummary;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/overview}: what needs attention, at a glance: each enabled connector's health, backlog, oldest
 * pending command and last reconciliation drift; requests overdue and due within 7 days; the sync log's chain
 * verification; commands waiting for a person.
 */
public final class OverviewPage {

    static final int LISTED = 20;

    /** A connector's line: its status as the API reports it, and its last reconciliation run's drift. */
    public record ConnectorLine(ConnectorApi.Status status, Map<String, Object> lastRun) {

        public long drift() {
            if (lastRun == null || !(lastRun.get("drift") instanceof Map<?, ?> drift)) {
                return 0;
            }
            return drift.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
        }

        /** When the last run started. */
        public Instant lastRunAt() {
            return lastRun == null || lastRun.get("startedAt") == null ? null
                    : Instant.parse(String.valueOf(lastRun.get("startedAt")));
        }

        @SuppressWarnings("unchecked")
        public Map<String, Object> driftCounts() {
            return lastRun == null ? Map.of() : (Map<String, Object>) lastRun.get("drift");
        }
    }

    /** The overview's view. */
    public record View(Frame frame, List<ConnectorLine> connectors, int disabled, List<RequestSummary> overdue,
            boolean moreOverdue, List<RequestSummary> dueSoon, boolean moreDueSoon, Verdict verdict, long needsActionCount,
            List<Outbox.NeedsAction> needsAction, Instant now) {
    }

    private final Connectors connectors;
    private final Outbox outbox;
    private final StalledCommands stalled;
    private final ReconcileRuns runs;
    private final RequestService requests;
    private final AuditChain chain;
    private final ConsoleView view;
    private final Clock clock;

    public OverviewPage(Connectors connectors, Outbox outbox, StalledCommands stalled, ReconcileRuns runs,
            RequestService requests, AuditChain chain, ConsoleView view, Clock clock) {
        this.connectors = connectors;
        this.outbox = outbox;
        this.stalled = stalled;
        this.runs = runs;
        this.requests = requests;
        this.chain = chain;
        this.view = view;
        this.clock = clock;
    }

    /** Sends a command that waits for a person again, after its cause was fixed (admin; the guard checked CSRF). */
    public void resend(Exchange exchange) {
        String id = exchange.getMessage().getHeader("commandId", String.class);
        if (id == null || !id.matches("[0-9]{1,18}")) {
            throw ConsoleRefusal.notFound("No command has that id.");
        }
        ConsoleSession session = ConsoleGuard.session(exchange);
        java.util.Optional<io.lethe.dispatch.Command> sent;
        try {
            sent = requests.resend(Long.parseLong(id), session.principal().keyName());
        } catch (io.lethe.dispatch.SubjectHolds.HeldException held) {
            throw new ConsoleRefusal(409, held.getMessage());
        }
        if (sent.isEmpty()) {
            throw new ConsoleRefusal(409, "That command does not wait for a person (it was sent again already, or"
                    + " it is not one).");
        }
        ConsoleView.redirect(exchange.getMessage(), "/console/overview?done=resent");
    }

    public void show(Exchange exchange) {
        List<ConnectorLine> lines = new ArrayList<>();
        int disabled = 0;
        for (ConnectorApi.Status s : ConnectorApi.statuses(connectors, outbox, stalled)) {
            if (!s.enabled()) {
                disabled++;
                continue;
            }
            lines.add(new ConnectorLine(s, runs.latestReport(s.id()).orElse(null)));
        }
        List<RequestSummary> overdue = requests.list(new RequestQuery(null, null, null, RequestQuery.Due.OVERDUE,
                RequestsPage.SOON_DAYS, 0, LISTED));
        List<RequestSummary> soon = requests.list(new RequestQuery(null, null, null, RequestQuery.Due.SOON,
                RequestsPage.SOON_DAYS, 0, LISTED));
        Map.Entry<Long, List<Outbox.NeedsAction>> action = outbox.needingAction(LISTED);
        view.page(exchange, 200, "overview", new View(Frame.of(exchange, "Overview", "/console/overview"), lines,
                disabled, cut(overdue), overdue.size() > LISTED, cut(soon), soon.size() > LISTED, chain.verify(),
                action.getKey(), action.getValue(), clock.instant()));
    }

    private static List<RequestSummary> cut(List<RequestSummary> list) {
        return list.size() > LISTED ? list.subList(0, LISTED) : list;
    }
}
