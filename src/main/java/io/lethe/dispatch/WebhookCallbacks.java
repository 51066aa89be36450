package io.lethe.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.lethe.audit.SyncEntry;
import io.lethe.db.Transactions;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;
import io.lethe.register.RegisterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second half of a webhook delivery that the receiver answered with 202: its signed callback finishes the
 * commands as a dispatch result would (outbox, sync log and request lifecycle in one transaction), and commands whose
 * callback does not come within {@code lethe.webhook.callback-timeout} are sent again (the same commands give the same
 * {@code webhook-id}, so the receiver can tell), the DPO told once per command; after
 * {@code lethe.webhook.callback-resends} sends without an answer they wait for a person ({@code action_required}).
 * Only commands awaiting a callback at the connector that signed it are touched; anything else is ignored and
 * counted. Logs name connectors and counts only.
 */
public final class WebhookCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookCallbacks.class);
    private static final int SWEEP_BATCH = 500;

    private final DataSource dataSource;
    private final Outbox outbox;
    private final MailOutbox mail;
    private final String dpoEmail;
    private final int maxResends;
    private final Duration retention;
    private final Clock clock;

    public WebhookCallbacks(DataSource dataSource, Outbox outbox, MailOutbox mail, String dpoEmail, int maxResends,
            Duration retention, Clock clock) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.mail = mail;
        this.dpoEmail = dpoEmail;
        this.maxResends = maxResends;
        this.retention = retention;
        this.clock = clock;
    }

    /** One entry of a callback's {@code results}: {@code data} (JSON text) only for exports. */
    public record Reported(long commandId, String status, String data) {
    }

    /** What a callback did: results applied, results ignored (unknown, finished, another connector's), replay or not. */
    public record Applied(int applied, int ignored, boolean replay) {
    }

    /** Some results name commands whose delivery is still being recorded: the receiver should send again shortly. */
    public static final class StillInFlight extends RuntimeException {
        public StillInFlight(int count) {
            super(count + " command(s) of this callback are still being recorded as sent", null, false, false);
        }
    }

    /**
     * Applies a verified callback once. The same {@code webhookId} again (a retry, a replay within the signature's
     * tolerance) is answered with the first answer and changes nothing.
     */
    public Applied apply(String connector, String webhookId, List<Reported> results) {
        try {
            return inTransaction(c -> applyOnce(c, connector, webhookId, results));
        } catch (RegisterException e) {
            if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return inTransaction(c -> applyOnce(c, connector, webhookId, results)); // a concurrent twin won
            }
            throw e;
        }
    }

    private Applied applyOnce(Connection c, String connector, String webhookId, List<Reported> results)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select applied, ignored from webhook_callback where connector = ? and webhook_id = ?")) {
            ps.setString(1, connector);
            ps.setString(2, webhookId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Applied(rs.getInt(1), rs.getInt(2), true);
                }
            }
        }
        Map<Long, Reported> byId = new LinkedHashMap<>();
        results.forEach(r -> byId.putIfAbsent(r.commandId(), r)); // a command named twice counts once, first wins
        Map<Long, Command> awaiting = outbox.awaitingCallback(c, connector, byId.keySet());
        List<Long> rest = byId.keySet().stream().filter(id -> !awaiting.containsKey(id)).toList();
        Map<Long, Command> inFlight = outbox.inFlight(c, connector, rest);
        if (!inFlight.isEmpty()) {
            throw new StillInFlight(inFlight.size());
        }
        List<Command> commands = new ArrayList<>(awaiting.values());
        List<Outbox.Result> finished = new ArrayList<>();
        List<SyncEntry> entries = new ArrayList<>();
        for (Command cmd : commands) {
            Reported r = byId.get(cmd.id());
            String outcome = outcome(cmd.action(), r.status());
            boolean failed = outcome.equals("rejected");
            String detail = failed ? "the receiver reported failed (callback)" : "reported by callback";
            finished.add(new Outbox.Result(cmd.id(), failed ? CommandStatus.ACTION_REQUIRED : CommandStatus.DONE, outcome, detail,
                    cmd.action().equals("export") && !failed && !outcome.equals("not_found") ? r.data() : null));
            entries.add(SyncEntry.of(connector, cmd.subjectId(), cmd.requestId(), cmd.action(),
                    failed ? "action_required" : outcome, null, cmd.attempts(),
                    (cmd.purpose() == null ? "" : cmd.purpose() + ": ") + detail));
        }
        if (!commands.isEmpty()) {
            outbox.finish(c, commands, finished, entries, connector);
        }
        int ignored = results.size() - commands.size();
        try (PreparedStatement ps = c.prepareStatement("insert into webhook_callback (connector, webhook_id,"
                + " received_at, applied, ignored) values (?, ?, ?, ?, ?)")) {
            ps.setString(1, connector);
            ps.setString(2, webhookId);
            ps.setObject(3, clock.instant().atOffset(ZoneOffset.UTC));
            ps.setInt(4, commands.size());
            ps.setInt(5, ignored);
            ps.executeUpdate();
        }
        if (ignored > 0) {
            LOG.warn("Connector {}: callback named {} command(s) not awaiting a callback there; ignored", connector,
                    ignored);
        }
        return new Applied(commands.size(), ignored, false);
    }

    /**
     * The hub's outcome for a receiver's status: {@code completed}/{@code verified} are what the action's own
     * success is called ({@code delivered} for opt-out and opt-in), {@code failed} becomes {@code rejected}.
     */
    static String outcome(String action, String status) {
        return switch (status) {
            case "not_found" -> "not_found";
            case "failed" -> "rejected";
            case "verified" -> action.equals("erase") ? "verified" : success(action);
            default -> success(action);
        };
    }

    private static String success(String action) {
        return action.equals("opt_out") || action.equals("opt_in") ? "delivered" : "completed";
    }

    /** Timer step: re-sends (or, after the last re-send, escalates) commands whose callback is overdue. */
    public void sweep() {
        int handled;
        do {
            handled = inTransaction(this::sweepBatch);
        } while (handled == SWEEP_BATCH);
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from webhook_callback where received_at < ?")) {
                ps.setObject(1, clock.instant().minus(retention).atOffset(ZoneOffset.UTC));
                return ps.executeUpdate();
            }
        });
    }

    private int sweepBatch(Connection c) throws SQLException {
        List<Outbox.OverdueCallback> overdue = outbox.overdueCallbacks(c, SWEEP_BATCH);
        Map<String, List<Outbox.OverdueCallback>> resend = new LinkedHashMap<>();
        Map<String, List<Command>> exhausted = new LinkedHashMap<>();
        for (Outbox.OverdueCallback o : overdue) {
            if (o.resends() + 1 >= maxResends) {
                exhausted.computeIfAbsent(o.command().connector(), k -> new ArrayList<>()).add(o.command());
            } else {
                resend.computeIfAbsent(o.command().connector(), k -> new ArrayList<>()).add(o);
            }
        }
        for (Map.Entry<String, List<Outbox.OverdueCallback>> e : resend.entrySet()) {
            String connector = e.getKey();
            List<SyncEntry> entries = e.getValue().stream().map(o -> entry(o.command(), "callback_overdue",
                    "no callback within lethe.webhook.callback-timeout: sent again")).toList();
            outbox.resendCallbacks(c, e.getValue().stream().map(o -> o.command().id()).toList(), entries);
            List<Command> firstTime = e.getValue().stream().filter(o -> !o.alerted()).map(Outbox.OverdueCallback::command)
                    .toList();
            if (!firstTime.isEmpty()) {
                mail.enqueue(c, "dpo-callback-overdue", MailOutbox.Recipient.DPO, null, new OutgoingMail(dpoEmail,
                        "[Lethe] no callback from " + connector, overdueText(connector, firstTime)));
            }
            LOG.warn("Connector {}: {} command(s) had no callback in time; sent again", connector, e.getValue().size());
        }
        for (Map.Entry<String, List<Command>> e : exhausted.entrySet()) {
            String detail = "no callback after " + maxResends + " sends";
            List<Command> commands = e.getValue();
            // Once committed, the life cycle's DPO alert e-mails the DPO about these action_required commands.
            outbox.finish(c, commands, commands.stream().map(cmd -> new Outbox.Result(cmd.id(),
                    CommandStatus.ACTION_REQUIRED, "failed", detail)).toList(), commands.stream().map(cmd -> entry(cmd, "action_required", detail))
                    .toList(), e.getKey());
            LOG.error("Connector {}: {} command(s) never called back; they need action", e.getKey(), commands.size());
        }
        return overdue.size();
    }

    private static SyncEntry entry(Command cmd, String outcome, String detail) {
        return SyncEntry.of(cmd.connector(), cmd.subjectId(), cmd.requestId(), cmd.action(), outcome, null,
                cmd.attempts(), (cmd.purpose() == null ? "" : cmd.purpose() + ": ") + detail);
    }

    private String overdueText(String connector, List<Command> commands) {
        StringBuilder lines = new StringBuilder();
        commands.forEach(cmd -> lines.append("  ").append(cmd.subjectId()).append("  ").append(cmd.action())
                .append(cmd.purpose() == null ? "" : " " + cmd.purpose()).append('\n'));
        return "The in-house system behind connector " + connector + " accepted " + commands.size()
                + " command(s) with 202 but did not POST their results to /api/v1/callbacks/" + connector
                + " in time.\n\nLethe has sent them again (same webhook-id); after " + maxResends
                + " sends without a callback they will be marked action_required. Subject ids:\n" + lines
                + "\nThe sync log (GET /api/v1/sync-log?vendor=" + connector + ") has each attempt.\n";
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new RegisterException("webhook callback failed", e);
        }
    }
}
