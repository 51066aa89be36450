package io.lethe.reconcile;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import io.lethe.db.Transactions;

/** Reconciliation runs and their reports, in {@code reconcile_run} and {@code reconcile_action}. */
public final class ReconcileRuns {

    /** How many actions a run's report lists; the counts cover all of them. */
    public static final int REPORTED_ACTIONS = 1000;
    static final List<String> RULES = List.of("optout_repair", "vendor_optout", "reimport", "unknown_contact");

    private final DataSource dataSource;
    private final Clock clock;

    public ReconcileRuns(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** One action of a run: what the rule did (or, in a dry run, would do) for a subject. */
    public record Action(String rule, String subjectId, String action, String status) {
    }

    /** A new run, or empty when the connector already has one running. */
    public Optional<String> start(String connector, boolean dryRun) {
        return run(c -> {
            // Serialise starters on the connector's state row, then check for a running run.
            try (PreparedStatement ps = c.prepareStatement("select connector from connector_state where connector = ? for update")) {
                ps.setString(1, connector);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        try (PreparedStatement insert = c.prepareStatement("insert into connector_state (connector) values (?)")) {
                            insert.setString(1, connector);
                            insert.executeUpdate();
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "select 1 from reconcile_run where connector = ? and status = 'running'")) {
                ps.setString(1, connector);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return Optional.<String>empty();
                    }
                }
            }
            String id = UUID.randomUUID().toString();
            try (PreparedStatement ps = c.prepareStatement("insert into reconcile_run (id, connector, dry_run, status,"
                    + " started_at) values (?, ?, ?, 'running', ?)")) {
                ps.setString(1, id);
                ps.setString(2, connector);
                ps.setBoolean(3, dryRun);
                ps.setObject(4, now());
                ps.executeUpdate();
            }
            return Optional.of(id);
        });
    }

    /**
     * Adds a page's progress: contacts scanned, counts per rule, and actions while the report has room
     * ({@code reported}: how many the run has listed so far). Returns the new number listed.
     */
    public int progress(String runId, long scanned, Map<String, Long> counts, List<Action> actions, int reported) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update reconcile_run set scanned = scanned + ?,"
                    + " optout_repair = optout_repair + ?, vendor_optout = vendor_optout + ?, reimport = reimport + ?,"
                    + " unknown_contact = unknown_contact + ? where id = ?")) {
                ps.setLong(1, scanned);
                for (int i = 0; i < RULES.size(); i++) {
                    ps.setLong(2 + i, counts.getOrDefault(RULES.get(i), 0L));
                }
                ps.setString(6, runId);
                ps.executeUpdate();
            }
            int listed = reported;
            if (listed >= REPORTED_ACTIONS || actions.isEmpty()) {
                return listed;
            }
            try (PreparedStatement ps = c.prepareStatement("insert into reconcile_action (run_id, seq, rule, subject_id,"
                    + " action, status) values (?, ?, ?, ?, ?, ?)")) {
                for (Action a : actions) {
                    if (listed >= REPORTED_ACTIONS) {
                        break;
                    }
                    ps.setString(1, runId);
                    ps.setInt(2, ++listed);
                    ps.setString(3, a.rule());
                    ps.setString(4, a.subjectId());
                    ps.setString(5, a.action());
                    ps.setString(6, a.status());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return listed;
        });
    }

    public void finish(String runId, String status, String error) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update reconcile_run set status = ?, finished_at = ?, error = ? where id = ?")) {
                ps.setString(1, status);
                ps.setObject(2, now());
                ps.setString(3, error == null ? null : error.substring(0, Math.min(256, error.length())));
                ps.setString(4, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** At start-up: runs that were running when the hub stopped are failed; a new run can be started. */
    public int interruptRunning() {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update reconcile_run set status = 'failed', finished_at = ?,"
                    + " error = 'interrupted by a stop of the hub; start a new run' where status = 'running'")) {
                ps.setObject(1, now());
                return ps.executeUpdate();
            }
        });
    }

    /** When the last completed, non-dry run of the connector started (incremental runs read changes since then). */
    public Optional<Instant> lastCompleted(String connector) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select max(started_at) from reconcile_run where connector = ?"
                    + " and status = 'completed' and dry_run = false")) {
                ps.setString(1, connector);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    OffsetDateTime t = rs.getObject(1, OffsetDateTime.class);
                    return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
                }
            }
        });
    }

    /** The ids of a connector's latest runs, newest first (the console's connectors page). */
    public List<String> recentRunIds(String connector, int max) {
        return run(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select id from reconcile_run where connector = ? order by started_at desc, id")) {
                ps.setString(1, connector);
                ps.setMaxRows(max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
    }

    /** The id of the connector's last completed run (dry or not), which says whether the vendor was in sync then. */
    public Optional<String> lastCompletedRunId(String connector) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select id from reconcile_run where connector = ?"
                    + " and status = 'completed' order by started_at desc, id")) {
                ps.setString(1, connector);
                ps.setMaxRows(1);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** The report of the connector's latest run that has ended (completed or failed), or empty. */
    public Optional<Map<String, Object>> latestReport(String connector) {
        Optional<String> id = run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select id from reconcile_run where connector = ?"
                    + " and status <> 'running' order by started_at desc, id limit 1")) {
                ps.setString(1, connector);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
        return id.flatMap(this::report);
    }

    /** The run as the API shows it, or empty. */
    public Optional<Map<String, Object>> report(String runId) {
        return run(c -> {
            Map<String, Object> r = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select id, connector, dry_run, status, scanned, optout_repair,"
                    + " vendor_optout, reimport, unknown_contact, started_at, finished_at, error from reconcile_run"
                    + " where id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Map<String, Object>>empty();
                    }
                    r.put("runId", rs.getString(1));
                    r.put("connector", rs.getString(2));
                    r.put("dryRun", rs.getBoolean(3));
                    r.put("status", rs.getString(4));
                    r.put("scanned", rs.getLong(5));
                    Map<String, Object> drift = new LinkedHashMap<>();
                    for (int i = 0; i < RULES.size(); i++) {
                        drift.put(RULES.get(i), rs.getLong(6 + i));
                    }
                    r.put("drift", drift);
                    r.put("startedAt", rs.getObject(10, OffsetDateTime.class).toInstant().toString());
                    OffsetDateTime finished = rs.getObject(11, OffsetDateTime.class);
                    r.put("finishedAt", finished == null ? null : finished.toInstant().toString());
                    if (rs.getString(12) != null) {
                        r.put("error", rs.getString(12));
                    }
                }
            }
            List<Map<String, Object>> actions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select rule, subject_id, action, status from reconcile_action"
                    + " where run_id = ? order by seq")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Object> a = new LinkedHashMap<>();
                        a.put("rule", rs.getString(1));
                        a.put("subjectId", rs.getString(2));
                        a.put("action", rs.getString(3));
                        a.put("status", rs.getString(4));
                        actions.add(a);
                    }
                }
            }
            r.put("actions", actions);
            return Optional.of(r);
        });
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private <T> T run(Transactions.Work<T> work) {
        return Sql.transaction(dataSource, "reconciliation bookkeeping", work);
    }
}
