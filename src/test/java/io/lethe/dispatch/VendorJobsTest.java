package io.lethe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.audit.AuditKey;
import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.connectors.VendorException;
import io.lethe.db.Database;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Job tracking and quotas against a fake of the engine's pollJob, on a real register (H2 here, PostgreSQL in the
 * subclass): submitted commands stay open until their job ends, a failed job asks a person once, a running job is
 * polled with doubling waits, an overdue one tells the DPO once; quotas count each command once per period.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VendorJobsTest {

    static final class MovableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    record Mail(String kind, String subject, String text) {
    }

    final MovableClock clock = new MovableClock();
    final Map<String, Object> vendor = new ConcurrentHashMap<>(); // job id -> JobResult or RuntimeException to throw
    final AtomicInteger polls = new AtomicInteger();
    final java.util.Set<Long> stillHeld = ConcurrentHashMap.newKeySet(); // commands whose person a read-back finds
    final List<Integer> readBacks = new CopyOnWriteArrayList<>();          // commands per read-back call
    final List<Mail> mails = new CopyOnWriteArrayList<>();
    final List<List<Outbox.Result>> finished = new CopyOnWriteArrayList<>();
    TestDatabase db;
    HikariDataSource ds;
    Outbox outbox;
    VendorJobs jobs;
    VendorQuotas quotas;

    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @BeforeAll
    void open() {
        db = TestDatabase.create(databaseKind());
        ds = Database.open(db.url(), db.user(), db.password(), 4);
        Database.migrate(ds);
        outbox = new Outbox(ds, new SyncLog(ds, clock, AuditKey.of(new byte[32])), clock, "test");
        VendorJobs.DpoMail mail = (c, kind, subject, text) -> mails.add(new Mail(kind, subject, text));
        VendorJobs.Poller poller = new VendorJobs.Poller() {
            @Override
            public VendorJobs.JobResult poll(String connector, String operation, String jobId) {
                polls.incrementAndGet();
                assertThat(operation).isEqualTo(connector + "-status");
                Object answer = vendor.getOrDefault(jobId, VendorJobs.JobResult.running("RUNNING"));
                if (answer instanceof RuntimeException e) {
                    throw e;
                }
                return (VendorJobs.JobResult) answer;
            }

            @Override
            public java.util.Set<Long> stillPresent(String connector, String operation, List<Command> commands) {
                polls.incrementAndGet();
                readBacks.add(commands.size());
                assertThat(operation).isEqualTo("readBack");
                return commands.stream().map(Command::id).filter(stillHeld::contains)
                        .collect(java.util.stream.Collectors.toSet());
            }

            // "klaviyo": three commands fill a read-back call, and a due one waits up to 2 minutes for more
            @Override
            public VendorJobs.ReadBackBatch readBackBatch(String connector, String operation) {
                return connector.equals("klaviyo") ? new VendorJobs.ReadBackBatch(3, Duration.ofMinutes(2))
                        : VendorJobs.ReadBackBatch.NONE;
            }
        };
        // "braze": a queued deletion read back after 5 minutes, every 10, given up after 2 days (its verifyLater)
        VendorJobs.StatusOperations operations = new VendorJobs.StatusOperations() {
            @Override
            public String of(Command command) {
                return command.connector() + "-status";
            }

            @Override
            public VendorJobs.Tracking tracking(Command command) {
                return switch (command.connector()) {
                    case "braze", "klaviyo" -> VendorJobs.Tracking.readBack("readBack", Duration.ofMinutes(5),
                            Duration.ofMinutes(10), Duration.ofDays(2));
                    // "sendgrid": its contacts job, then the erase operation's read-back
                    case "sendgrid" -> VendorJobs.Tracking.status("sendgrid-status", "readBack");
                    default -> VendorJobs.Tracking.status(of(command));
                };
            }
        };
        jobs = new VendorJobs(ds, outbox, mail, poller, operations,
                new VendorJobs.Settings(Duration.ofMinutes(5), Duration.ofHours(6), Duration.ofDays(35), 100), clock);
        // a stand-in for the subject-key sealing HubConfiguration wires (this test reads no export back)
        outbox.setResultSealer((c, command, data) -> data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        outbox.setFinishHook((c, commands, results) -> {
            jobs.onFinished(c, commands, results);
            finished.add(List.copyOf(results));
        });
        quotas = new VendorQuotas(ds, mail, clock);
    }

    @AfterAll
    void close() {
        ds.close();
    }

    @BeforeEach
    void reset() {
        vendor.clear();
        mails.clear();
        finished.clear();
        polls.set(0);
        stillHeld.clear();
        readBacks.clear();
    }

    /** Writes {@code n} commands for fresh subjects and claims them, as dispatch would. */
    List<Command> claim(String connector, String action, int n) throws SQLException {
        List<Outbox.NewCommand> commands = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into subject (id, created_at) values (?, ?)")) {
            for (int i = 0; i < n; i++) {
                String subject = UUID.randomUUID().toString();
                ps.setString(1, subject);
                ps.setObject(2, clock.instant().atOffset(ZoneOffset.UTC));
                ps.addBatch();
                commands.add(new Outbox.NewCommand(connector, subject, action, null, null, UUID.randomUUID().toString()));
            }
            ps.executeBatch();
            outbox.enqueue(c, commands);
        }
        return outbox.claim(connector, n, Duration.ZERO, Duration.ofMinutes(2));
    }

    /** The vendor accepted the commands as job {@code jobId} (what Dispatcher.record does with such outcomes). */
    void submit(List<Command> commands, String jobId) {
        outbox.finish(commands, commands.stream().map(c -> new Outbox.Result(c.id(), CommandStatus.DONE, "submitted",
                "job " + jobId, null, jobId)).toList(), commands.stream().map(c -> SyncEntry.of(c.connector(),
                c.subjectId(), c.requestId(), c.action(), "submitted", 200, 1, "job " + jobId)).toList(),
                commands.get(0).connector());
        finished.clear();
    }

    String commandState(long id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select status, outcome from outbox_command where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1) + "/" + rs.getString(2);
            }
        }
    }

    long syncEntries(String vendor, String outcome) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select count(*) from sync_log where vendor = ? and outcome = ?")) {
            ps.setString(1, vendor);
            ps.setString(2, outcome);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aSegmentBatchStaysOpenUntilItsRegulationFinishes() throws Exception {
        List<Command> commands = claim("segment-full", "erase", 500);
        submit(commands, "reg-1");
        assertThat(jobs.running()).containsEntry("segment-full", 1L);
        assertThat(commandState(commands.get(0).id())).isEqualTo("done/submitted");

        assertThat(jobs.pollDue()).isZero();                      // not before the first poll time
        clock.advance(Duration.ofMinutes(5));
        assertThat(jobs.pollDue()).isEqualTo(1);                  // RUNNING
        assertThat(finished).isEmpty();
        clock.advance(Duration.ofMinutes(9));
        assertThat(jobs.pollDue()).isZero();                      // the second wait is twice the first
        clock.advance(Duration.ofMinutes(1));
        vendor.put("reg-1", VendorJobs.JobResult.done("FINISHED"));
        assertThat(jobs.pollDue()).isEqualTo(1);

        assertThat(finished).hasSize(1);
        assertThat(finished.get(0)).hasSize(500).allMatch(r -> r.status() == CommandStatus.DONE
                && r.outcome().equals("completed"));
        assertThat(commandState(commands.get(499).id())).isEqualTo("done/completed");
        assertThat(syncEntries("segment-full", "completed")).isEqualTo(500);
        assertThat(jobs.running()).doesNotContainKey("segment-full");
        clock.advance(Duration.ofDays(1));
        assertThat(jobs.pollDue()).isZero();                      // finished jobs are never polled again
    }

    @Test
    void batchesTheVendorPutIntoOneRunningJobArePolledAsOneJob() throws Exception {
        // Amplitude answers every batch of a day with that day's job: three batches, one job, one poll per round.
        long completedBefore = syncEntries("segment-full", "completed");
        List<Command> first = claim("segment-full", "erase", 100);
        submit(first, "day-2026-12-01");
        List<Command> second = claim("segment-full", "erase", 100);
        submit(second, "day-2026-12-01");
        List<Command> third = claim("segment-full", "erase", 100);
        submit(third, "day-2026-12-01");
        assertThat(jobs.running()).containsEntry("segment-full", 1L);
        clock.advance(Duration.ofMinutes(5));
        vendor.put("day-2026-12-01", VendorJobs.JobResult.done("FINISHED"));
        assertThat(jobs.pollDue()).isEqualTo(1);
        assertThat(polls.get()).isEqualTo(1);
        assertThat(commandState(third.get(99).id())).isEqualTo("done/completed");
        assertThat(syncEntries("segment-full", "completed") - completedBefore).isEqualTo(300);
        // a later batch answered with the finished job's id is tracked anew, never attached to a finished job
        List<Command> late = claim("segment-full", "erase", 10);
        submit(late, "day-2026-12-01");
        assertThat(jobs.running()).containsEntry("segment-full", 1L);
        clock.advance(Duration.ofMinutes(5));
        assertThat(jobs.pollDue()).isEqualTo(1);
        assertThat(commandState(late.get(9).id())).isEqualTo("done/completed");
        assertThat(jobs.running()).doesNotContainKey("segment-full");
    }

    @Test
    void aFinishedSuppressionIsDeliveredAndAFinishedRetrievalCarriesItsData() throws Exception {
        List<Command> optOuts = claim("segment", "opt_out", 3);
        submit(optOuts, "reg-optout");
        List<Command> exports = claim("mixpanel", "export", 2);
        submit(exports, "task-export");
        vendor.put("reg-optout", VendorJobs.JobResult.done("FINISHED"));
        vendor.put("task-export", new VendorJobs.JobResult(VendorJobs.State.DONE, "SUCCESS", "https://export/link"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(jobs.pollDue()).isEqualTo(2);
        assertThat(commandState(optOuts.get(0).id())).isEqualTo("done/delivered");
        assertThat(finished.stream().flatMap(List::stream).filter(r -> r.data() != null).map(Outbox.Result::data))
                .containsExactly("https://export/link", "https://export/link");
    }

    @Test
    void aFailedJobNeedsAPersonOnceForAllItsCommands() throws Exception {
        List<Command> commands = claim("mixpanel", "erase", 40);
        submit(commands, "task-f");
        vendor.put("task-f", VendorJobs.JobResult.failed("FAILURE"));
        clock.advance(Duration.ofMinutes(5));
        jobs.pollDue();
        assertThat(finished).hasSize(1);                          // one finish: DpoAlerts mails once for it
        assertThat(finished.get(0)).hasSize(40).allMatch(r -> r.status() == CommandStatus.ACTION_REQUIRED);
        assertThat(finished.get(0).get(0).detail()).contains("task-f").contains("FAILURE");
        assertThat(syncEntries("mixpanel", "action_required")).isEqualTo(40);
        clock.advance(Duration.ofDays(1));
        jobs.pollDue();
        assertThat(finished).hasSize(1);
    }

    @Test
    void aRefusedStatusPollFailsTheJobButATransientOneIsRetriedLater() throws Exception {
        List<Command> a = claim("amplitude", "erase", 10);
        submit(a, "2026-12-04");
        List<Command> b = claim("amplitude", "erase", 1);
        submit(b, "2026-12-05");
        vendor.put("2026-12-04", new VendorException.Transient("HTTP 503", 503, null, null));
        vendor.put("2026-12-05", new VendorException.Permanent("HTTP 401", 401));
        clock.advance(Duration.ofMinutes(5));
        assertThat(jobs.pollDue()).isEqualTo(2);
        assertThat(commandState(b.get(0).id())).isEqualTo("action_required/failed");
        assertThat(commandState(a.get(0).id())).isEqualTo("done/submitted");
        vendor.put("2026-12-04", VendorJobs.JobResult.done("done"));
        clock.advance(Duration.ofMinutes(10));
        assertThat(jobs.pollDue()).isEqualTo(1);
        assertThat(commandState(a.get(9).id())).isEqualTo("done/completed");
    }

    @Test
    void aJobPastTheLimitTellsTheDpoOnceAndIsStillPolled() throws Exception {
        List<Command> commands = claim("segment", "erase", 2);
        submit(commands, "reg-slow");
        for (int day = 0; day < 40; day++) {
            clock.advance(Duration.ofHours(6));
            jobs.pollDue();
            clock.advance(Duration.ofHours(18));
            jobs.pollDue();
        }
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).kind()).isEqualTo("dpo-job-overdue");
        assertThat(mails.get(0).subject()).contains("segment").contains("35 days");
        assertThat(mails.get(0).text()).contains("reg-slow").contains("2 command(s)");
        assertThat(jobs.running()).containsEntry("segment", 1L);
        vendor.put("reg-slow", VendorJobs.JobResult.done("FINISHED"));
        clock.advance(Duration.ofHours(6));
        jobs.pollDue();
        assertThat(commandState(commands.get(0).id())).isEqualTo("done/completed");
    }

    @Test
    void aQueuedDeletionIsReadBackAtItsOwnPaceUntilGoneThenVerified() throws Exception {
        List<Command> commands = claim("braze", "erase", 2);
        submitEach(commands);
        stillHeld.addAll(commands.stream().map(Command::id).toList());
        assertThat(jobs.running()).containsEntry("braze", 2L);
        clock.advance(Duration.ofMinutes(4));
        assertThat(jobs.pollDue()).isZero();                      // not before "after"
        clock.advance(Duration.ofMinutes(1));
        assertThat(jobs.pollDue()).isEqualTo(2);                  // still queued at the vendor
        stillHeld.remove(commands.get(0).id());                   // the vendor's queue ran for the first one
        clock.advance(Duration.ofMinutes(10));                    // "every", not a doubled wait
        assertThat(jobs.pollDue()).isEqualTo(2);
        assertThat(commandState(commands.get(0).id())).isEqualTo("done/verified");
        assertThat(commandState(commands.get(1).id())).isEqualTo("done/submitted");
        assertThat(syncEntries("braze", "verified")).isEqualTo(1);
        assertThat(finished.get(0).get(0).detail()).contains("read back").doesNotContain("@");
        stillHeld.clear();
        clock.advance(Duration.ofMinutes(10));
        assertThat(jobs.pollDue()).isEqualTo(1);
        assertThat(commandState(commands.get(1).id())).isEqualTo("done/verified");
        assertThat(jobs.running()).doesNotContainKey("braze");
    }

    @Test
    void aQueuedDeletionStillFoundAfterItsGiveUpTimeNeedsAPersonOnce() throws Exception {
        List<Command> commands = claim("braze", "erase", 1);
        submitEach(commands);
        stillHeld.add(commands.get(0).id());
        for (int i = 0; i < 2 * 24 * 6 + 5; i++) {                // every 10 minutes for two days and a bit
            clock.advance(Duration.ofMinutes(10));
            jobs.pollDue();
        }
        assertThat(commandState(commands.get(0).id())).isEqualTo("action_required/failed");
        assertThat(finished).hasSize(1);                          // one finish: DpoAlerts mails once for it
        assertThat(finished.get(0).get(0).detail()).contains("still present after PT48H");
        assertThat(syncEntries("braze", "action_required")).isEqualTo(1);
        int polled = polls.get();
        clock.advance(Duration.ofDays(1));
        jobs.pollDue();
        assertThat(polls.get()).isEqualTo(polled);                // given up: never read back again
    }

    @Test
    void aDoneJobIsReadBackWhereTheOperationDeclaresItVerifiedOrStillPresent() throws Exception {
        List<Command> commands = claim("sendgrid", "erase", 3);
        submit(commands, "contacts-job");
        stillHeld.add(commands.get(2).id());
        clock.advance(Duration.ofMinutes(5));
        assertThat(jobs.pollDue()).isEqualTo(1);                  // running: no read-back yet
        assertThat(polls.get()).isEqualTo(1);
        vendor.put("contacts-job", VendorJobs.JobResult.done("COMPLETED"));
        clock.advance(Duration.ofMinutes(10));
        assertThat(jobs.pollDue()).isEqualTo(1);
        assertThat(polls.get()).isEqualTo(3);                     // the status, then the read-back
        assertThat(commandState(commands.get(0).id())).isEqualTo("done/verified");
        assertThat(commandState(commands.get(1).id())).isEqualTo("done/verified");
        assertThat(commandState(commands.get(2).id())).isEqualTo("action_required/still_present");
        assertThat(finished).hasSize(1);                          // one finish: DpoAlerts mails once for it
        assertThat(syncEntries("sendgrid", "verified")).isEqualTo(2);
        assertThat(jobs.running()).doesNotContainKey("sendgrid");
    }

    @Test
    void dueReadBacksOfAConnectorShareOneCallAndEachCommandTakesItsOwnAnswer() throws Exception {
        List<Command> commands = claim("klaviyo", "erase", 4);
        submitEach(commands);
        stillHeld.add(commands.get(1).id());
        clock.advance(Duration.ofMinutes(5));
        assertThat(jobs.pollDue()).isEqualTo(4);
        assertThat(readBacks).containsExactly(4);                 // one read-back for the four (the engine cuts it), nothing else to wait for
        assertThat(commandState(commands.get(0).id())).isEqualTo("done/verified");
        assertThat(commandState(commands.get(1).id())).isEqualTo("done/submitted");   // still queued: read again
        assertThat(commandState(commands.get(3).id())).isEqualTo("done/verified");
        assertThat(syncEntries("klaviyo", "verified")).isEqualTo(3);
        assertThat(jobs.running()).containsEntry("klaviyo", 1L);
        drainReadBacks();
    }

    /** Ends the read-backs this test left running, without moving the clock other tests' jobs run on. */
    void drainReadBacks() throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update vendor_job set state = 'done' where connector = 'klaviyo' and state = 'running'")) {
            ps.executeUpdate();
        }
    }

    @Test
    void aDueReadBackGathersDeletionsSentOneByOneUntilItsCallIsFull() throws Exception {
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < 5; i++) {                             // one deletion every 30 s, as a paced vendor takes them
            List<Command> one = claim("klaviyo", "erase", 1);
            submitEach(one);
            commands.addAll(one);
            clock.advance(Duration.ofSeconds(30));
        }
        stillHeld.add(commands.get(4).id());
        clock.advance(Duration.ofSeconds(150));                   // 5 min after the first: 1 due, 4 more to come
        assertThat(jobs.pollDue()).isZero();
        clock.advance(Duration.ofSeconds(60));                    // 3 due: a full call, 2 more to come
        assertThat(jobs.pollDue()).isEqualTo(3);
        assertThat(readBacks).containsExactly(3);
        clock.advance(Duration.ofSeconds(30));                    // 1 due, 1 to come within the gather time: wait
        assertThat(jobs.pollDue()).isZero();
        clock.advance(Duration.ofSeconds(30));                    // the last ones: nothing more to come
        assertThat(jobs.pollDue()).isEqualTo(2);
        assertThat(readBacks).containsExactly(3, 2);
        for (Command c : commands.subList(0, 4)) {
            assertThat(commandState(c.id())).isEqualTo("done/verified");
        }
        assertThat(commandState(commands.get(4).id())).isEqualTo("done/submitted");
        // a stream of deletions never holds a read-back past its gather time
        List<Command> stream = new ArrayList<>();
        for (int i = 0; i < 3; i++) {                             // first read-backs due at 12:00, 13:20 and 15:00
            List<Command> one = claim("klaviyo", "erase", 1);
            submitEach(one);
            stream.addAll(one);
            clock.advance(Duration.ofSeconds(i == 0 ? 80 : i == 1 ? 100 : 0));
        }
        clock.advance(Duration.ofSeconds(120));                   // 12:00: one due, more to come
        assertThat(jobs.pollDue()).isZero();
        clock.advance(Duration.ofSeconds(120));                   // 14:00: two due, one to come, but the first has
        assertThat(jobs.pollDue()).isEqualTo(2);                  // waited its two minutes
        assertThat(readBacks).containsExactly(3, 2, 2);
        assertThat(commandState(stream.get(0).id())).isEqualTo("done/verified");
        assertThat(commandState(stream.get(2).id())).isEqualTo("done/submitted");
        drainReadBacks();
    }

    /** Each command queued at the vendor with its own read-back job (what OperationRun answers for verifyLater). */
    void submitEach(List<Command> commands) {
        outbox.finish(commands, commands.stream().map(c -> new Outbox.Result(c.id(), CommandStatus.DONE, "submitted",
                "queued", null, "read-back-" + c.id())).toList(), commands.stream().map(c -> SyncEntry.of(
                c.connector(), c.subjectId(), c.requestId(), c.action(), "submitted", 201, 1, "queued")).toList(),
                commands.get(0).connector());
        finished.clear();
    }

    @Test
    void backoffDoublesUpToTheCap() {
        assertThat(jobs.backoff(0)).isEqualTo(Duration.ofMinutes(5));
        assertThat(jobs.backoff(1)).isEqualTo(Duration.ofMinutes(10));
        assertThat(jobs.backoff(3)).isEqualTo(Duration.ofMinutes(40));
        assertThat(jobs.backoff(30)).isEqualTo(Duration.ofHours(6));
    }

    @Test
    void aQuotaAdmitsWhatFitsCountsRetriesOnceAndTellsTheDpoOncePerPeriod() throws Exception {
        clock.now = Instant.parse("2026-12-30T12:00:00Z");
        VendorQuotas.Quota quota = new VendorQuotas.Quota("segment-only", 700, VendorQuotas.Per.MONTH, null);
        List<Command> first = claim("segment-q", "opt_out", 500);
        assertThat(quotas.admit("segment-q", quota, first).deferred()).isEmpty();
        assertThat(quotas.admit("segment-q", quota, first).deferred()).isEmpty();   // a retry of the same batch
        assertThat(quotas.used("segment-q", quota)).isEqualTo(500);
        List<Command> second = claim("segment-q", "opt_out", 500);
        VendorQuotas.Admission a = quotas.admit("segment-q", quota, second);
        assertThat(a.admitted()).hasSize(200);
        assertThat(a.deferred()).hasSize(300);
        assertThat(a.nextPeriod()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(a.reason()).contains("monthly quota of 700 ids").contains("segment-only");
        assertThat(quotas.admit("segment-q", quota, a.deferred()).admitted()).isEmpty();
        assertThat(mails).hasSize(1);
        assertThat(mails.get(0).kind()).isEqualTo("dpo-quota");
        assertThat(mails.get(0).text()).contains("300 command(s)");
        clock.now = Instant.parse("2027-01-01T00:00:01Z");
        assertThat(quotas.admit("segment-q", quota, a.deferred()).admitted()).hasSize(300);
        assertThat(mails).hasSize(1);
    }

    @Test
    void aDailyQuotaResetsAtMidnightInTheVendorsZone() throws Exception {
        VendorQuotas.Quota quota = new VendorQuotas.Quota("", 2, VendorQuotas.Per.DAY, ZoneId.of("America/Los_Angeles"));
        clock.now = Instant.parse("2026-12-02T07:00:00Z");     // 23:00 in Los Angeles
        List<Command> commands = claim("ga4-q", "erase", 3);
        VendorQuotas.Admission a = quotas.admit("ga4-q", quota, commands);
        assertThat(a.admitted()).hasSize(2);
        assertThat(a.nextPeriod()).isEqualTo(Instant.parse("2026-12-02T08:00:00Z"));
        clock.now = Instant.parse("2026-12-02T08:00:00Z");
        assertThat(quotas.admit("ga4-q", quota, a.deferred()).admitted()).hasSize(1);
    }
}
