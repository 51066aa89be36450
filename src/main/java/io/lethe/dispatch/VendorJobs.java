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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.lethe.audit.SyncEntry;
import io.lethe.connectors.VendorException;
import io.lethe.db.Transactions;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;
import io.lethe.register.RegisterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vendors' asynchronous jobs. A command the vendor answered {@code submitted} with a job id stays open: the job is
 * recorded (in the transaction that records the submission) and its connector's status operation is polled
 * ({@code routes/jobs.camel.yaml}) until it says DONE (the commands finish: {@code completed} for erase and export,
 * {@code delivered} for opt-out, with their sync-log entries, so the request advances as usual) or FAILED (the
 * commands are {@code action_required}; the life cycle's DPO alert e-mails the DPO once). A running job is polled again
 * later, each wait twice the last up to {@code maxInterval}; a job older than {@code maxAge} (vendors promise 30
 * days) keeps being polled and the DPO is told once. A deletion the vendor only queues, with no job of its own
 * ({@code verifyLater}), is tracked the same way with a read-back for its status: polled at its own pace until the
 * vendor no longer finds the person ({@code verified}) or, past its give-up time, {@code action_required} (the DPO
 * alert, once). Such read-backs of one connector are read back together: the due ones share the vendor's calls
 * (the engine cuts them to its batch and URI limits), and with a {@code gather} time a due read-back waits up to that
 * long for the others about to fall due, so a batch of deletions sent one by one is read back in full batches. Logs
 * name connectors, job ids and counts only.
 */
public final class VendorJobs implements Outbox.FinishHook {

    private static final Logger LOG = LoggerFactory.getLogger(VendorJobs.class);

    /** What a status poll says. */
    public enum State { RUNNING, DONE, FAILED }

    /** A status poll's answer; {@code data}: what a finished export job yields (e.g. Mixpanel's file link), or null. */
    public record JobResult(State state, String detail, String data) {
        public static JobResult running(String detail) {
            return new JobResult(State.RUNNING, detail, null);
        }

        public static JobResult done(String detail) {
            return new JobResult(State.DONE, detail, null);
        }

        public static JobResult failed(String detail) {
            return new JobResult(State.FAILED, detail, null);
        }
    }

    /**
     * Reads a job's status at the vendor: the connector engine's {@code pollJob(connector, statusOperation, jobId)}.
     * Whole-call failures are thrown as {@link VendorException}.
     */
    @FunctionalInterface
    public interface Poller {
        JobResult poll(String connectorId, String statusOperation, String jobId);

        /** A read-back: the commands whose person the vendor's read-back operation still finds. */
        default Set<Long> stillPresent(String connectorId, String readBackOperation, List<Command> commands) {
            throw new UnsupportedOperationException(connectorId + " has no read-backs");
        }

        /** How later read-backs with this operation are grouped (default: each due one at once, none waits). */
        default ReadBackBatch readBackBatch(String connectorId, String readBackOperation) {
            return ReadBackBatch.NONE;
        }
    }

    /**
     * Later read-backs' grouping: {@code size} commands fill one vendor call (its operation's batchMax); a due
     * read-back waits up to {@code gather} for others of its connector to fall due until {@code size} are due.
     */
    public record ReadBackBatch(int size, Duration gather) {
        public static final ReadBackBatch NONE = new ReadBackBatch(1, Duration.ZERO);
    }

    /** The status operation that tracks a command's job: the {@code job:} of the operation it ran, in its file. */
    @FunctionalInterface
    public interface StatusOperations {
        String of(Command command);

        /** How the command's job is tracked; a plain status operation unless overridden. */
        default Tracking tracking(Command command) {
            String operation = of(command);
            return operation == null ? null : Tracking.status(operation);
        }
    }

    /**
     * How a job is polled: a vendor status operation with the doubling waits of {@link Settings} (durations null),
     * and once it is done the read-back {@code afterDone} (or null: none); or a read-back ({@code verifyLater}) first
     * after {@code firstPoll}, then every {@code every}, given up after {@code giveUpAfter}.
     */
    public record Tracking(String operation, Duration firstPoll, Duration every, Duration giveUpAfter,
            String afterDone) {
        public static Tracking status(String operation) {
            return new Tracking(operation, null, null, null, null);
        }

        public static Tracking status(String operation, String afterDone) {
            return new Tracking(operation, null, null, null, afterDone);
        }

        public static Tracking readBack(String operation, Duration after, Duration every, Duration until) {
            return new Tracking(operation, after, every, until, null);
        }

        boolean isReadBack() {
            return every != null;
        }
    }

    /** An e-mail to the DPO, queued in the caller's transaction (the hub: the mail queue, {@code MailOutbox}). */
    @FunctionalInterface
    public interface DpoMail {
        void send(Connection c, String kind, String subject, String text) throws SQLException;

        static DpoMail through(MailOutbox mail, String dpoEmail) {
            return (c, kind, subject, text) -> mail.enqueue(c, kind, MailOutbox.Recipient.DPO, null,
                    new OutgoingMail(dpoEmail, subject, text));
        }
    }

    /** Polling pace and limit (lethe.jobs.*). */
    public record Settings(Duration firstPoll, Duration maxInterval, Duration maxAge, int pollBatch) {
    }

    /** One tracked job; {@code every} and {@code giveUpAt} only for a read-back job. */
    public record Job(long id, String connector, String jobId, String statusOperation, String action, int attempts,
            Instant createdAt, boolean overdueAlerted, Duration every, Instant giveUpAt, Instant nextPollAt) {

        boolean isReadBack() {
            return every != null;
        }
    }

    private final DataSource dataSource;
    private final Outbox outbox;
    private final DpoMail mail;
    private final Poller poller;
    private final StatusOperations statusOperations;
    private final Settings settings;
    private final Clock clock;

    public VendorJobs(DataSource dataSource, Outbox outbox, DpoMail mail, Poller poller,
            StatusOperations statusOperations, Settings settings, Clock clock) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.mail = mail;
        this.poller = poller;
        this.statusOperations = statusOperations;
        this.settings = settings;
        this.clock = clock;
    }

    /** Submitted commands with a job id: one tracked job per (connector, job id, action), in the same transaction. */
    @Override
    public void onFinished(Connection c, List<Command> commands, List<Outbox.Result> results) throws SQLException {
        Map<Long, Command> byId = new HashMap<>();
        commands.forEach(cmd -> byId.put(cmd.id(), cmd));
        Map<List<String>, List<Long>> jobs = new LinkedHashMap<>();
        Map<List<String>, Tracking> tracking = new HashMap<>();
        for (Outbox.Result r : results) {
            Command cmd = byId.get(r.commandId());
            if (cmd != null && r.jobId() != null && "submitted".equals(r.outcome())) {
                Tracking how = statusOperations.tracking(cmd);
                if (how == null) {
                    throw new IllegalStateException("connector " + cmd.connector() + " answered a job for "
                            + cmd.action() + " but declares no status operation for it");
                }
                List<String> key = List.of(cmd.connector(), r.jobId(), cmd.action(), how.operation());
                tracking.put(key, how);
                jobs.computeIfAbsent(key, k -> new ArrayList<>()).add(cmd.id());
            }
        }
        for (Map.Entry<List<String>, List<Long>> job : jobs.entrySet()) {
            List<String> k = job.getKey();
            track(c, k.get(0), k.get(1), tracking.get(k), k.get(2), job.getValue());
        }
    }

    private void track(Connection c, String connector, String jobId, Tracking how, String action,
            List<Long> commandIds) throws SQLException {
        OffsetDateTime now = now();
        Long running = how.isReadBack() ? null : runningJob(c, connector, jobId, action, how.operation());
        if (running != null) {
            // The vendor put these commands into a job it is already running (Amplitude answers every batch of a
            // day with that day's job): one job polled once per round, however many batches joined it.
            attach(c, running, commandIds);
            LOG.info("Connector {}: job {} tracks {} more command(s)", connector, jobId, commandIds.size());
            return;
        }
        long id;
        try (PreparedStatement ps = c.prepareStatement("insert into vendor_job (connector, job_id, status_operation,"
                + " action, state, attempts, next_poll_at, created_at, poll_every_ms, give_up_at)"
                + " values (?, ?, ?, ?, 'running', 0, ?, ?, ?, ?)", new String[] {"id"})) {
            ps.setString(1, connector);
            ps.setString(2, jobId);
            ps.setString(3, how.operation());
            ps.setString(4, action);
            ps.setObject(5, now.plus(how.isReadBack() ? how.firstPoll() : settings.firstPoll()));
            ps.setObject(6, now);
            ps.setObject(7, how.isReadBack() ? how.every().toMillis() : null, java.sql.Types.BIGINT);
            ps.setObject(8, how.isReadBack() ? now.plus(how.giveUpAfter()) : null,
                    java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        attach(c, id, commandIds);
        LOG.info("Connector {}: job {} tracks {} command(s)", connector, jobId, commandIds.size());
    }

    private static Long runningJob(Connection c, String connector, String jobId, String action, String operation)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select min(id) from vendor_job where connector = ?"
                + " and job_id = ? and action = ? and status_operation = ? and state = 'running'")) {
            ps.setString(1, connector);
            ps.setString(2, jobId);
            ps.setString(3, action);
            ps.setString(4, operation);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long id = rs.getLong(1);
                return rs.wasNull() ? null : id;
            }
        }
    }

    private static void attach(Connection c, long job, List<Long> commandIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into vendor_job_command (job_id, command_id) values (?, ?)")) {
            for (Long commandId : commandIds) {
                ps.setLong(1, job);
                ps.setLong(2, commandId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static final String JOB_COLUMNS = "select id, connector, job_id, status_operation, action, attempts,"
            + " created_at, overdue_alerted_at, poll_every_ms, give_up_at, next_poll_at from vendor_job";

    /**
     * Timer step: polls every due job once, a connector's due read-backs together; returns how many were polled
     * (a read-back still gathering counts when it is polled).
     */
    public int pollDue() {
        OffsetDateTime now = now();
        List<Job> due = inTransaction(c -> jobs(c, JOB_COLUMNS + " where state = 'running' and poll_every_ms is null"
                + " and next_poll_at <= ? order by next_poll_at, id limit ?", now, null, null, settings.pollBatch()));
        due.forEach(this::poll);
        int polled = due.size();
        // read-backs apart: one still gathering keeps its past due time and must not crowd status polls out
        List<List<String>> readBackGroups = inTransaction(c -> {
            List<List<String>> groups = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select distinct connector, status_operation from vendor_job"
                    + " where state = 'running' and poll_every_ms is not null and next_poll_at <= ?")) {
                ps.setObject(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        groups.add(List.of(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return groups;
        });
        for (List<String> group : readBackGroups) {
            polled += pollReadBacks(group.get(0), group.get(1), now);
        }
        return polled;
    }

    /**
     * A connector's due read-backs with one operation: unless it should gather more, one read-back for all their
     * commands, its answer mapped back to each job (found: still queued, polled again; absent: verified).
     */
    private int pollReadBacks(String connector, String operation, OffsetDateTime now) {
        ReadBackBatch batch = poller.readBackBatch(connector, operation);
        int size = Math.max(1, batch.size());
        String group = JOB_COLUMNS + " where state = 'running' and poll_every_ms is not null and connector = ?"
                + " and status_operation = ? and next_poll_at <= ? order by next_poll_at, id limit ?";
        List<Job> due = inTransaction(c -> jobs(c, group, now, connector, operation,
                Math.max(settings.pollBatch(), size)));
        if (due.isEmpty()) {
            return 0;
        }
        if (!batch.gather().isZero() && due.size() % size != 0) {
            boolean waitedLongEnough = !due.get(0).nextPollAt().isAfter(now.toInstant().minus(batch.gather()));
            boolean moreComing = firstReadBacksComing(connector, operation, now, now.plus(batch.gather()));
            if (!waitedLongEnough && moreComing) {
                if (due.size() < size) {
                    return 0; // gathering: the next round has more to share the call with
                }
                due.subList(due.size() - due.size() % size, due.size()).clear(); // full calls now, the rest gathers
            }
        }
        Map<Long, List<Command>> commands = new LinkedHashMap<>();
        inTransaction(c -> {
            for (Job job : due) {
                commands.put(job.id(), commands(c, job.id()));
            }
            return null;
        });
        Set<Long> present;
        try {
            present = poller.stillPresent(connector, operation,
                    commands.values().stream().flatMap(List::stream).toList());
        } catch (RuntimeException e) {
            due.forEach(job -> readBackFailed(job, e));
            return due.size();
        }
        List<Job> gone = new ArrayList<>();
        for (Job job : due) {
            if (commands.get(job.id()).stream().anyMatch(cmd -> present.contains(cmd.id()))) {
                readBackAnswered(job, JobResult.running("STILL_PRESENT"), null); // still queued, or given up
            } else {
                gone.add(job);
            }
        }
        if (!gone.isEmpty()) {
            finish(gone, JobResult.done("GONE"), true, null);
        }
        return due.size();
    }

    /**
     * Whether a deletion's first read-back falls due after {@code now} and by {@code by}: worth waiting for. Read-backs
     * of deletions still queued at the vendor are not: they were read together and fall due together again.
     */
    private boolean firstReadBacksComing(String connector, String operation, OffsetDateTime now, OffsetDateTime by) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from vendor_job where state = 'running'"
                    + " and poll_every_ms is not null and connector = ? and status_operation = ? and attempts = 0"
                    + " and next_poll_at > ? and next_poll_at <= ?")) {
                ps.setString(1, connector);
                ps.setString(2, operation);
                ps.setObject(3, now);
                ps.setObject(4, by);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) > 0;
                }
            }
        });
    }

    private List<Job> jobs(Connection c, String sql, OffsetDateTime dueBy, String connector, String operation,
            int limit) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (connector != null) {
                ps.setString(i++, connector);
                ps.setString(i++, operation);
            }
            ps.setObject(i++, dueBy);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long every = rs.getLong(9);
                    Duration pace = rs.wasNull() ? null : Duration.ofMillis(every);
                    OffsetDateTime giveUp = rs.getObject(10, OffsetDateTime.class);
                    jobs.add(new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getInt(6), rs.getObject(7, OffsetDateTime.class).toInstant(),
                            rs.getObject(8) != null, pace, giveUp == null ? null : giveUp.toInstant(),
                            rs.getObject(11, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return jobs;
    }

    /** Polls one job and acts on its state. */
    public void poll(Job job) {
        JobResult result;
        Set<Long> present = null;
        try {
            if (job.isReadBack()) {
                present = poller.stillPresent(job.connector(), job.statusOperation(), commandsOf(job));
                result = present.isEmpty() ? JobResult.done("GONE") : JobResult.running("STILL_PRESENT");
                present = null;
            } else {
                result = poller.poll(job.connector(), job.statusOperation(), job.jobId());
                String afterDone = result.state() == State.DONE ? afterDone(job) : null;
                if (afterDone != null) { // the job is done: what does the vendor still hold?
                    present = poller.stillPresent(job.connector(), afterDone, commandsOf(job));
                }
            }
        } catch (RuntimeException e) {
            readBackFailed(job, e);
            return;
        }
        readBackAnswered(job, result, present);
    }

    /** A poll or read-back that failed as a whole: refused fails the job, anything else is tried again later. */
    private void readBackFailed(Job job, RuntimeException failure) {
        if (failure instanceof VendorException.Permanent e) {
            readBackAnswered(job, JobResult.failed("status poll refused: " + e.getMessage()), null);
        } else if (failure instanceof VendorException.LimitExhausted e) {
            later(job, e.parkFor(), "status poll: " + e.getMessage());
        } else if (failure instanceof VendorException.Transient e) {
            later(job, e.retryAfter() != null ? e.retryAfter() : backoff(job.attempts() + 1),
                    "status poll: " + e.getMessage());
        } else {
            later(job, backoff(job.attempts() + 1), "status poll failed: " + failure.getClass().getSimpleName());
        }
    }

    /** Acts on a job's state; {@code present}: the commands a read-back after its done job still finds. */
    private void readBackAnswered(Job job, JobResult answer, Set<Long> present) {
        JobResult result = answer;
        if (result.state() == State.RUNNING && job.isReadBack() && !clock.instant().isBefore(job.giveUpAt())) {
            result = JobResult.failed("still present after " + Duration.between(job.createdAt(), job.giveUpAt()));
        }
        switch (result.state()) {
            case DONE -> finish(job, result, true, present);
            case FAILED -> finish(job, result, false, null);
            default -> later(job, job.isReadBack() ? job.every() : backoff(job.attempts() + 1), result.detail());
        }
    }

    private List<Command> commandsOf(Job job) {
        return inTransaction(c -> commands(c, job.id()));
    }

    /** The read-back the commands' operation declares after its job, from the connector file (null: none). */
    private String afterDone(Job job) {
        List<Command> commands = commandsOf(job);
        Tracking how = commands.isEmpty() ? null : statusOperations.tracking(commands.get(0));
        return how == null ? null : how.afterDone();
    }

    /** The wait after {@code attempts} polls: the first poll's wait doubled that many times, capped. */
    Duration backoff(int attempts) {
        Duration wait = settings.firstPoll();
        for (int i = 0; i < attempts && wait.compareTo(settings.maxInterval()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.maxInterval()) > 0 ? settings.maxInterval() : wait;
    }

    private void later(Job job, Duration wait, String detail) {
        Instant now = clock.instant();
        boolean overdue = job.createdAt().plus(settings.maxAge()).isBefore(now);
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update vendor_job set attempts = attempts + 1,"
                    + " next_poll_at = ?, detail = ? where id = ? and state = 'running'")) {
                ps.setObject(1, now.plus(wait).atOffset(ZoneOffset.UTC));
                ps.setString(2, clip(detail));
                ps.setLong(3, job.id());
                ps.executeUpdate();
            }
            if (overdue && !job.overdueAlerted()) {
                alertOverdue(c, job, detail);
            }
            return null;
        });
    }

    private void alertOverdue(Connection c, Job job, String detail) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update vendor_job set overdue_alerted_at = ? where id = ?"
                + " and overdue_alerted_at is null")) {
            ps.setObject(1, now());
            ps.setLong(2, job.id());
            if (ps.executeUpdate() != 1) {
                return;
            }
        }
        int commands = commands(c, job.id()).size();
        mail.send(c, "dpo-job-overdue",
                "[Lethe] a " + job.connector() + " job has run longer than " + settings.maxAge().toDays() + " days",
                "The " + job.action() + " job " + job.jobId() + " at connector " + job.connector() + " was submitted on "
                        + job.createdAt() + " for " + commands + " command(s) and has not finished (last status: "
                        + detail + ").\n\nThe vendor promises to finish within 30 days. Lethe keeps polling it; its"
                        + " requests stay in_progress. Ask the vendor, or close the commands by hand.\n"
                        + "The sync log (GET /api/v1/sync-log?vendor=" + job.connector() + ") has the submission.\n");
        LOG.warn("Connector {}: job {} is older than {}; the DPO is told", job.connector(), job.jobId(),
                settings.maxAge());
    }

    /**
     * Ends the job and its commands in one transaction; a second poller finding it ended does nothing. A command in
     * {@code stillPresent} (read back after a done job) needs a person: the vendor still holds its person.
     */
    private void finish(Job job, JobResult result, boolean done, Set<Long> stillPresent) {
        finish(List.of(job), result, done, stillPresent);
    }

    /** Ends jobs of one connector with the same result in one transaction (a read-back's many gone ones at once). */
    private void finish(List<Job> jobs, JobResult result, boolean done, Set<Long> stillPresent) {
        String connector = jobs.get(0).connector();
        int ended = inTransaction(c -> {
            List<Command> commands = new ArrayList<>();
            List<Outbox.Result> results = new ArrayList<>();
            List<SyncEntry> entries = new ArrayList<>();
            for (Job job : jobs) {
                if (end(c, job, result, done)) {
                    for (Command cmd : commands(c, job.id())) {
                        commands.add(cmd);
                        results.add(outcome(job, cmd, result, done, stillPresent, entries));
                    }
                }
            }
            if (!commands.isEmpty()) {
                outbox.finish(c, commands, results, entries, connector);
            }
            return commands.isEmpty() ? 0 : jobs.size();
        });
        if (ended == 0) {
            return;
        }
        String what = jobs.size() == 1 ? "job " + jobs.get(0).jobId() : jobs.size() + " read-back jobs";
        if (done) {
            LOG.info("Connector {}: {} done", connector, what);
        } else {
            LOG.warn("Connector {}: {} failed; its commands need action", connector, what);
        }
    }

    /** Marks the job ended; false when another poller ended it first. */
    private boolean end(Connection c, Job job, JobResult result, boolean done) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update vendor_job set state = ?, finished_at = ?,"
                + " attempts = attempts + 1, detail = ? where id = ? and state = 'running'")) {
            ps.setString(1, done ? "done" : "failed");
            ps.setObject(2, now());
            ps.setString(3, clip(result.detail()));
            ps.setLong(4, job.id());
            return ps.executeUpdate() == 1;
        }
    }

    /** A command's result when its job ended, and its sync-log entry (added to {@code entries}). */
    private static Outbox.Result outcome(Job job, Command cmd, JobResult result, boolean done, Set<Long> stillPresent,
            List<SyncEntry> entries) {
        boolean readBack = job.isReadBack() || stillPresent != null;
        String what = job.isReadBack() ? (done ? "read back later: gone" : "read-back gave up")
                : (done ? "job " : "job failed ") + job.jobId() + (done && readBack ? ", read back: gone" : "");
        String detail = what + (result.detail() == null ? "" : ": " + result.detail());
        boolean present = done && stillPresent != null && stillPresent.contains(cmd.id());
        boolean ok = done && !present;
        String outcome = present ? "still_present" : !done ? "failed" : job.action().equals("opt_out")
                ? "delivered" : readBack ? "verified" : "completed";
        String text = present ? "job " + job.jobId() + " done, but the read-back still finds the person" : detail;
        entries.add(SyncEntry.of(cmd.connector(), cmd.subjectId(), cmd.requestId(), cmd.action(),
                ok ? outcome : "action_required", null, cmd.attempts(),
                (cmd.purpose() == null ? "" : cmd.purpose() + ": ") + clip(text)));
        return new Outbox.Result(cmd.id(), ok ? CommandStatus.DONE : CommandStatus.ACTION_REQUIRED,
                outcome, clip(text), ok && job.action().equals("export") ? result.data() : null);
    }

    private static List<Command> commands(Connection c, long job) throws SQLException {
        List<Command> commands = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select o.id, o.connector, o.subject_id, o.action, o.purpose,"
                + " o.event_id, o.request_id, o.attempts from outbox_command o join vendor_job_command j"
                + " on j.command_id = o.id where j.job_id = ? order by o.id")) {
            ps.setLong(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    commands.add(new Command(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8)));
                }
            }
        }
        return commands;
    }

    /** Jobs still running, per connector (for health views and tests). */
    public Map<String, Long> running() {
        return inTransaction(c -> {
            Map<String, Long> counts = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select connector, count(*) from vendor_job"
                    + " where state = 'running' group by connector"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    private static String clip(String detail) {
        return detail == null ? null : detail.substring(0, Math.min(256, detail.length()));
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new RegisterException("vendor job tracking failed", e);
        }
    }
}
