package io.lethe.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.db.Sql;
import io.lethe.db.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactional outbox. Commands are written with the consent event that causes them, claimed in batches with
 * a lease, and finished together with their sync-log entries in one transaction, so a crash at any point leaves
 * either a command to claim again or a finished command with its log: never a lost one. Vendor calls are
 * idempotent (unsubscribing twice is harmless), so a command delivered just before a crash and delivered again after
 * it does no harm.
 */
public final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final DataSource dataSource;
    private final SyncLog syncLog;
    private final Clock clock;
    private final String node;
    private Duration callbackTimeout = Duration.ofHours(24);

    private SubjectHolds holds;

    /** Legal holds: an erase command of a held subject is never sent again ({@link #resend}). */
    public void setHolds(SubjectHolds holds) {
        this.holds = holds;
    }

    public Outbox(DataSource dataSource, SyncLog syncLog, Clock clock, String node) {
        this.dataSource = dataSource;
        this.syncLog = syncLog;
        this.clock = clock;
        this.node = node;
    }

    /** How long a webhook receiver that answered 202 has for its callback ({@code lethe.webhook.callback-timeout}). */
    public void setCallbackTimeout(Duration callbackTimeout) {
        this.callbackTimeout = callbackTimeout;
    }

    /** The status of a command whose receiver answered 202 and will POST the results to the callback endpoint. */
    public static final String AWAITING_CALLBACK = "awaiting_callback";

    /** A command to write. */
    public record NewCommand(String connector, String subjectId, String action, String purpose, String eventId,
            String requestId) {
    }

    /** Seals what a vendor returned about a person (an access export) for the command's row, with the subject's key. */
    public interface ResultSealer {
        byte[] seal(Connection connection, Command command, String data) throws SQLException;
    }

    private ResultSealer sealer = (c, command, data) -> {
        throw new IllegalStateException("no sealer for the results of command " + command.id());
    };
    private Consumer<List<Command>> afterFinish = finished -> { };

    public void setResultSealer(ResultSealer sealer) {
        this.sealer = sealer;
    }

    /**
     * Told of finished commands after their transaction committed: hands them to the life cycle after dispatch
     * (routes/lifecycle.camel.yaml: the DPO's alert, the requests). It may fail or never run (crash): the life
     * cycle's sweep finds what it missed.
     */
    public void setAfterFinish(Consumer<List<Command>> afterFinish) {
        this.afterFinish = afterFinish;
    }

    /**
     * The final word on one command after a vendor call. {@code jobId}: the vendor's asynchronous job that will finish
     * a {@code submitted} command ({@link VendorJobs} tracks it), else null.
     */
    public record Result(long commandId, CommandStatus status, String outcome, String detail, String data, String jobId) {
        public Result(long commandId, CommandStatus status, String outcome, String detail, String data) {
            this(commandId, status, outcome, detail, data, null);
        }

        public Result(long commandId, CommandStatus status, String outcome, String detail) {
            this(commandId, status, outcome, detail, null, null);
        }
    }

    /** A subject's latest command at one connector. */
    public record LastCommand(String connector, String action, String purpose, CommandStatus status, String outcome,
            Instant updatedAt) {
    }

    private volatile java.util.function.Consumer<String> wakeup = connector -> { };

    /** Told, after the enqueuing transaction commits, of each connector that has new commands (dispatch wakes up). */
    public void setWakeup(java.util.function.Consumer<String> wakeup) {
        this.wakeup = wakeup;
    }

    public void enqueue(Connection c, List<NewCommand> commands) throws SQLException {
        if (commands.isEmpty()) {
            return;
        }
        java.util.Set<String> woken = new java.util.LinkedHashSet<>();
        commands.forEach(cmd -> woken.add(cmd.connector()));
        Transactions.afterCommit(() -> woken.forEach(wakeup));
        OffsetDateTime now = now();
        try (PreparedStatement ps = c.prepareStatement("insert into outbox_command (connector, subject_id, action,"
                + " purpose, event_id, request_id, status, attempts, not_before, created_at, updated_at)"
                + " values (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)")) {
            for (NewCommand cmd : commands) {
                ps.setString(1, cmd.connector());
                ps.setString(2, cmd.subjectId());
                ps.setString(3, cmd.action());
                ps.setString(4, cmd.purpose());
                ps.setString(5, cmd.eventId());
                ps.setString(6, cmd.requestId());
                ps.setObject(7, now);
                ps.setObject(8, now);
                ps.setObject(9, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Claims up to {@code max} due commands once the batch is full or its oldest command has waited {@code window}
     * (an aggregation with completion size and timeout, kept durable in the table). Returns empty when nothing is
     * due yet or the connector is parked.
     */
    public List<Command> claim(String connector, int max, Duration window, Duration lease) {
        return claim(connector, max, window, Duration.ZERO, Duration.ZERO, lease);
    }

    /**
     * As {@link #claim(String, int, Duration, Duration)}, and while every due command is the first sending of a
     * data-subject request's command (an erasure, access, rectification: a month to answer), they gather until the
     * batch is full, the oldest has waited {@code requestWindow}, or none has come for {@code requestQuiet} (requests
     * filed in a stream gather; a lone one waits only the quiet time): a full batch costs the vendor fewer calls, jobs
     * and polls. A due withdrawal (no request) or a retry ends the wait at once; what is due then leaves together.
     */
    public List<Command> claim(String connector, int max, Duration window, Duration requestWindow,
            Duration requestQuiet, Duration lease) {
        Instant now = clock.instant();
        return inTransaction(c -> {
            Instant parked = parkedUntil(c, connector);
            if (parked != null && parked.isAfter(now)) {
                return List.<Command>of();
            }
            String due = " from outbox_command where connector = ? and ((status = 'pending' and not_before <= ?)"
                    + " or (status = 'in_flight' and lease_until < ?))";
            long count;
            long immediate;
            Instant oldest;
            Instant oldestRequest;
            Instant newestRequest;
            try (PreparedStatement ps = c.prepareStatement("select count(*), min(not_before),"
                    + " count(case when request_id is null or attempts > 0 then 1 end),"
                    + " min(case when request_id is not null and attempts = 0 then not_before end),"
                    + " max(case when request_id is not null and attempts = 0 then not_before end)" + due)) {
                bindDue(ps, connector, now);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    count = rs.getLong(1);
                    OffsetDateTime o = rs.getObject(2, OffsetDateTime.class);
                    oldest = o == null ? null : o.toInstant();
                    immediate = rs.getLong(3);
                    OffsetDateTime r = rs.getObject(4, OffsetDateTime.class);
                    oldestRequest = r == null ? null : r.toInstant();
                    OffsetDateTime n = rs.getObject(5, OffsetDateTime.class);
                    newestRequest = n == null ? null : n.toInstant();
                }
            }
            if (count == 0 || (count < max && oldest.plus(window).isAfter(now))) {
                return List.<Command>of();
            }
            if (count < max && immediate == 0 && oldestRequest.plus(requestWindow).isAfter(now)
                    && newestRequest.plus(requestQuiet).isAfter(now)) {
                return List.<Command>of();
            }
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id" + due + " order by id limit ?")) {
                bindDue(ps, connector, now);
                ps.setInt(4, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            OffsetDateTime leaseUntil = now.plus(lease).atOffset(ZoneOffset.UTC);
            String claimToken = node + "/" + java.util.UUID.randomUUID();
            try (PreparedStatement ps = c.prepareStatement("update outbox_command set status = 'in_flight',"
                    + " lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ? where id = ?"
                    + " and (status = 'pending' or (status = 'in_flight' and lease_until < ?))")) {
                for (Long id : ids) {
                    ps.setString(1, claimToken);
                    ps.setObject(2, leaseUntil);
                    ps.setObject(3, now.atOffset(ZoneOffset.UTC));
                    ps.setLong(4, id);
                    ps.setObject(5, now.atOffset(ZoneOffset.UTC));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            List<Command> claimed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, connector, subject_id, action, purpose, event_id,"
                    + " request_id, attempts from outbox_command where connector = ? and status = 'in_flight' and lease_owner = ?"
                    + " order by id")) {
                ps.setString(1, connector);
                ps.setString(2, claimToken);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new Command(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8)));
                    }
                }
            }
            return claimed;
        });
    }

    private static void bindDue(PreparedStatement ps, String connector, Instant now) throws SQLException {
        ps.setString(1, connector);
        ps.setObject(2, now.atOffset(ZoneOffset.UTC));
        ps.setObject(3, now.atOffset(ZoneOffset.UTC));
    }

    /**
     * Finishes commands and appends their sync-log entries atomically, and nothing else: their requests take the
     * results, and the DPO is alerted of refusals, in transactions of their own after this one commits (a failure
     * there costs no vendor result).
     */
    public void finish(List<Command> commands, List<Result> results, List<SyncEntry> entries, String connector) {
        inTransaction(c -> {
            finish(c, commands, results, entries, connector);
            return null;
        });
    }

    private void handOff(List<Command> commands) {
        try {
            afterFinish.accept(commands);
        } catch (RuntimeException e) { // committed: the lifecycle sweep takes these commands later
            LOG.warn("Finished commands not handed to the life cycle now ({}); its sweep will",
                    e.getClass().getSimpleName());
        }
    }

    /**
     * Told inside the transaction that finishes commands (vendor jobs are recorded with the submission that names
     * them).
     */
    public interface FinishHook {
        void onFinished(Connection c, List<Command> commands, List<Result> results) throws SQLException;
    }

    private volatile FinishHook finishHook = (c, commands, results) -> { };

    public void setFinishHook(FinishHook hook) {
        this.finishHook = hook;
    }

    /**
     * A finished command without a request has no request to advance (one with a request waits for the life cycle
     * again, also when a vendor job finishes it a second time), one that needs no person no DPO alert: marked
     * so at once, the life cycle's sweeps read only the few rows that still wait for them (indexed on the marks).
     */
    private void markNothingToFollow(Connection c, List<Result> results) throws SQLException {
        OffsetDateTime now = now();
        try (PreparedStatement ps = c.prepareStatement("update outbox_command set request_advanced_at = case when"
                + " request_id is null then ? else null end, dpo_alerted_at = case when"
                + " status = 'action_required' then null else ? end where id = ?")) {
            for (Result r : results) {
                ps.setObject(1, now);
                ps.setObject(2, now);
                ps.setLong(3, r.commandId());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void sealResults(Connection c, List<Command> commands, List<Result> results) throws SQLException {
        Map<Long, Command> byId = new HashMap<>();
        commands.forEach(cmd -> byId.put(cmd.id(), cmd));
        try (PreparedStatement ps = c.prepareStatement("update outbox_command set sealed_result = ? where id = ?")) {
            boolean any = false;
            for (Result r : results) {
                Command cmd = byId.get(r.commandId());
                if (r.data() != null && cmd != null && cmd.requestId() != null) {
                    ps.setBytes(1, sealer.seal(c, cmd, r.data()));
                    ps.setLong(2, r.commandId());
                    ps.addBatch();
                    any = true;
                }
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }

    /** {@link #finish(List, List, List, String)} inside the caller's transaction (a callback and its replay guard). */
    public void finish(Connection c, List<Command> commands, List<Result> results, List<SyncEntry> entries,
            String connector) throws SQLException {
        update(c, results, null);
        markNothingToFollow(c, results);
        sealResults(c, commands, results);
        syncLog.append(c, entries);
        touch(c, connector);
        finishHook.onFinished(c, commands, results);
        // once committed, the requests of these commands take their results (routes/lifecycle.camel.yaml)
        Transactions.afterCommit(() -> handOff(commands));
    }

    /** The commands among {@code ids} that await a callback at {@code connector}, locked until the transaction ends. */
    public Map<Long, Command> awaitingCallback(Connection c, String connector, java.util.Collection<Long> ids)
            throws SQLException {
        return commands(c, connector, ids, AWAITING_CALLBACK, true);
    }

    /** The commands among {@code ids} still in flight at {@code connector} (sent, the answer not recorded yet). */
    public Map<Long, Command> inFlight(Connection c, String connector, java.util.Collection<Long> ids) throws SQLException {
        return commands(c, connector, ids, "in_flight", false);
    }

    private static Map<Long, Command> commands(Connection c, String connector, java.util.Collection<Long> ids,
            String status, boolean lock) throws SQLException {
        Map<Long, Command> found = new java.util.LinkedHashMap<>();
        List<Long> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) { // bounded IN lists
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + 500));
            String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("select id, connector, subject_id, action, purpose, event_id,"
                    + " request_id, attempts from outbox_command where connector = ? and status = ? and id in (" + marks
                    + ") order by id" + (lock ? " for update" : ""))) {
                ps.setString(1, connector);
                ps.setString(2, status);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setLong(3 + i, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getLong(1), command(rs));
                    }
                }
            }
        }
        return found;
    }

    /**
     * A command that waits for a person ({@code action_required}) is sent again, as a person decided after fixing
     * the cause (a credential, a vendor-side setting): pending now, with fresh attempts, alert and hand-off, so that
     * dispatch, the DPO alert and the request life cycle treat it as new. The decision is in the sync log. Empty when
     * the command is not waiting for a person (a second click, another id).
     */
    public java.util.Optional<Command> resend(Connection c, long id, String who) throws SQLException {
        // An erase of a subject on an active legal hold is refused (SubjectHolds.HeldException), nothing changed.
        Command command;
        try (PreparedStatement ps = c.prepareStatement("select id, connector, subject_id, action, purpose, event_id,"
                + " request_id, attempts from outbox_command where id = ? and status = 'action_required' for update")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                command = command(rs);
            }
        }
        if (holds != null && command.action().equals("erase")
                && !holds.held(c, List.of(command.subjectId())).isEmpty()) {
            throw new SubjectHolds.HeldException(id); // a resend must not be the way round a legal hold
        }
        OffsetDateTime now = now();
        try (PreparedStatement ps = c.prepareStatement("update outbox_command set status = 'pending', attempts = 0,"
                + " not_before = ?, lease_until = null, outcome = null, detail = null, updated_at = ?,"
                + " request_advanced_at = null, dpo_alerted_at = null, sealed_result = null where id = ?")) {
            ps.setObject(1, now);
            ps.setObject(2, now);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
        syncLog.append(c, List.of(SyncEntry.of(command.connector(), command.subjectId(), command.requestId(),
                command.action(), "resent", null, null, "sent again by " + who)));
        Transactions.afterCommit(() -> wakeup.accept(command.connector()));
        return java.util.Optional.of(command);
    }

    private static Command command(ResultSet rs) throws SQLException {
        return new Command(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getInt(8));
    }

    /** A command whose callback did not come in time: how often it was sent already, whether the DPO was told. */
    public record OverdueCallback(Command command, int resends, boolean alerted) {
    }

    /** Commands awaiting a callback past their deadline, oldest first, locked (the sweep re-sends or closes them). */
    public List<OverdueCallback> overdueCallbacks(Connection c, int max) throws SQLException {
        List<OverdueCallback> overdue = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id, connector, subject_id, action, purpose, event_id,"
                + " request_id, attempts, callback_resends, callback_alerted_at from outbox_command"
                + " where status = ? and callback_until < ? order by id limit ? for update")) {
            ps.setString(1, AWAITING_CALLBACK);
            ps.setObject(2, now());
            ps.setInt(3, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    overdue.add(new OverdueCallback(command(rs), rs.getInt(9), rs.getObject(10) != null));
                }
            }
        }
        return overdue;
    }

    /** Puts overdue commands back to be sent again now, counting the re-send and noting that the DPO was told. */
    public void resendCallbacks(Connection c, List<Long> ids, List<SyncEntry> entries) throws SQLException {
        OffsetDateTime now = now();
        try (PreparedStatement ps = c.prepareStatement("update outbox_command set status = 'pending', not_before = ?,"
                + " callback_until = null, callback_resends = callback_resends + 1,"
                + " callback_alerted_at = coalesce(callback_alerted_at, ?), outcome = 'callback_overdue',"
                + " detail = 'no callback in time: sent again', updated_at = ? where id = ? and status = ?")) {
            for (Long id : ids) {
                ps.setObject(1, now);
                ps.setObject(2, now);
                ps.setObject(3, now);
                ps.setLong(4, id);
                ps.setString(5, AWAITING_CALLBACK);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        syncLog.append(c, entries);
    }

    /** Ties the commands caused by these consent events to a data-subject request; returns their connectors. */
    public List<String> attachToRequest(Connection c, List<String> eventIds, String requestId) throws SQLException {
        List<String> connectors = new ArrayList<>();
        for (String eventId : eventIds) {
            try (PreparedStatement ps = c.prepareStatement("update outbox_command set request_id = ? where event_id = ?")) {
                ps.setString(1, requestId);
                ps.setString(2, eventId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("select connector from outbox_command where event_id = ?")) {
                ps.setString(1, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        connectors.add(rs.getString(1));
                    }
                }
            }
        }
        return connectors.stream().distinct().toList();
    }

    /** A cancelled request's commands that have not gone out yet are skipped. */
    public void skipRequest(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update outbox_command set status = 'skipped', outcome = 'skipped',"
                + " detail = 'request cancelled', updated_at = ?, request_advanced_at = ?, dpo_alerted_at = ?"
                + " where request_id = ? and status = 'pending'")) { // the cancellation marks the vendors skipped
            ps.setObject(1, now());
            ps.setObject(2, now());
            ps.setObject(3, now());
            ps.setString(4, requestId);
            ps.executeUpdate();
        }
    }

    /**
     * A request's commands stop (a legal hold on its subject): pending ones and those in flight are skipped, and one
     * in flight is not put back for another attempt when its call fails ({@link #update}); one the vendor has already
     * taken finishes as the vendor answers.
     */
    public void stopRequest(Connection c, String requestId, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update outbox_command set status = 'skipped', outcome = 'skipped',"
                + " detail = ?, updated_at = ?, request_advanced_at = ?, dpo_alerted_at = ?"
                + " where request_id = ? and status in ('pending', 'in_flight')")) {
            ps.setString(1, detail);
            ps.setObject(2, now());
            ps.setObject(3, now());
            ps.setObject(4, now());
            ps.setString(5, requestId);
            ps.executeUpdate();
        }
    }

    /** Puts commands back for a later attempt (not before {@code notBefore}), logging why. */
    public void reschedule(List<Long> ids, Instant notBefore, String outcome, String detail, List<SyncEntry> entries) {
        List<Result> results = ids.stream().map(id -> new Result(id, CommandStatus.PENDING, outcome, detail)).toList();
        inTransaction(c -> {
            update(c, results, notBefore);
            syncLog.append(c, entries);
            return null;
        });
    }

    /** Appends log entries for attempts that failed while the batch stays claimed. */
    public void logAttempts(List<SyncEntry> entries) {
        syncLog.append(entries);
    }

    private void update(Connection c, List<Result> results, Instant notBefore) throws SQLException {
        OffsetDateTime now = now();
        try (PreparedStatement ps = c.prepareStatement("update outbox_command set status = ?, outcome = ?, detail = ?,"
                + " lease_owner = null, lease_until = null, updated_at = ?"
                + (notBefore == null ? "" : ", not_before = ?") + " where id = ?"
                // a command skipped while in flight (legal hold) is never put back for another attempt
                + " and not (status = 'skipped' and ? = 'pending')")) {
            for (Result r : results) {
                int i = 1;
                ps.setString(i++, r.status().wire());
                ps.setString(i++, r.outcome());
                ps.setString(i++, r.detail() == null ? null : r.detail().substring(0, Math.min(256, r.detail().length())));
                ps.setObject(i++, now);
                if (notBefore != null) {
                    ps.setObject(i++, notBefore.atOffset(ZoneOffset.UTC));
                }
                ps.setLong(i++, r.commandId());
                ps.setString(i, r.status().wire());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        List<Result> awaiting = results.stream().filter(r -> r.status() == CommandStatus.AWAITING_CALLBACK).toList();
        if (!awaiting.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("update outbox_command set callback_until = ? where id = ?")) {
                for (Result r : awaiting) {
                    ps.setObject(1, now.plus(callbackTimeout));
                    ps.setLong(2, r.commandId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    /** No claim for this connector before {@code until}: a vendor limit that will not lift sooner. */
    public void park(String connector, Instant until, String reason) {
        inTransaction(c -> {
            ensureState(c, connector);
            try (PreparedStatement ps = c.prepareStatement(
                    "update connector_state set parked_until = ?, park_reason = ? where connector = ?")) {
                ps.setObject(1, until.atOffset(ZoneOffset.UTC));
                ps.setString(2, reason);
                ps.setString(3, connector);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * At start-up: commands this node had claimed when it stopped (or was killed) are due again now, instead of
     * after their lease. Other nodes' leases are left to expire.
     */
    public int releaseOwnLeases() {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update outbox_command set status = 'pending',"
                    + " lease_owner = null, lease_until = null where status = 'in_flight' and lease_owner like ?")) {
                ps.setString(1, node + "/%");
                return ps.executeUpdate();
            }
        });
    }

    public Optional<Instant> parkedUntil(String connector) {
        return Optional.ofNullable(inTransaction(c -> parkedUntil(c, connector))).filter(t -> t.isAfter(clock.instant()));
    }

    /** Commands not finished yet (pending, in flight or awaiting a webhook callback), per connector. */
    public Map<String, Long> unfinished() {
        return inTransaction(c -> {
            Map<String, Long> counts = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select connector, count(*) from outbox_command"
                    + " where status in ('pending', 'in_flight', 'awaiting_callback') group by connector");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    public Map<String, Instant> lastSync() {
        return inTransaction(c -> {
            Map<String, Instant> last = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select connector, last_sync_at from connector_state"
                    + " where last_sync_at is not null"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant());
                }
            }
            return last;
        });
    }

    /** A command that waits for a person (a refusal no retry can fix), as the console lists it. */
    public record NeedsAction(long id, String connector, String subjectId, String requestId, String action,
            String outcome, String detail, Instant updatedAt) {
    }

    /** Commands in {@code action_required}, newest first, at most {@code max}; and how many there are in all. */
    public Map.Entry<Long, List<NeedsAction>> needingAction(int max) {
        return inTransaction(c -> {
            long count;
            try (PreparedStatement ps = c.prepareStatement("select count(*) from outbox_command where status ="
                    + " 'action_required'"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
            }
            List<NeedsAction> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, connector, subject_id, request_id, action,"
                    + " outcome, detail, updated_at from outbox_command where status = 'action_required'"
                    + " order by updated_at desc, id desc limit ?")) {
                ps.setInt(1, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(new NeedsAction(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getObject(8, OffsetDateTime.class).toInstant()));
                    }
                }
            }
            return Map.entry(count, list);
        });
    }

    /** The latest command per connector for one subject. */
    public List<LastCommand> lastCommands(String subjectId) {
        return inTransaction(c -> {
            List<LastCommand> last = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select o.connector, o.action, o.purpose, o.status, o.outcome,"
                    + " o.updated_at from outbox_command o where o.subject_id = ? and o.id = (select max(id) from"
                    + " outbox_command i where i.subject_id = o.subject_id and i.connector = o.connector)"
                    + " order by o.connector")) {
                ps.setString(1, subjectId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last.add(new LastCommand(rs.getString(1), rs.getString(2), rs.getString(3),
                                CommandStatus.ofWire(rs.getString(4)),
                                rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant()));
                    }
                }
            }
            return last;
        });
    }

    private Instant parkedUntil(Connection c, String connector) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select parked_until from connector_state where connector = ?")) {
            ps.setString(1, connector);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                    return t == null ? null : t.toInstant();
                }
                return null;
            }
        }
    }

    private void touch(Connection c, String connector) throws SQLException {
        ensureState(c, connector);
        try (PreparedStatement ps = c.prepareStatement("update connector_state set last_sync_at = ? where connector = ?")) {
            ps.setObject(1, now());
            ps.setString(2, connector);
            ps.executeUpdate();
        }
    }

    private static void ensureState(Connection c, String connector) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from connector_state where connector = ?")) {
            ps.setString(1, connector);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("insert into connector_state (connector) values (?)")) {
            ps.setString(1, connector);
            ps.executeUpdate();
        }
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        return Sql.transaction(dataSource, "outbox operation", work);
    }
}
