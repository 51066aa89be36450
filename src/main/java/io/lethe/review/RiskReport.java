package io.lethe.review;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.Connectors;
import io.lethe.db.Sql;
import io.lethe.reconcile.ReconcileRuns;

/**
 * What a compliance officer should act on, in five sections: subjects with no consent on record, consent granted
 * longer ago than {@code lethe.consent.max-age-months}, vendors out of sync at their last reconciliation, requests
 * overdue or waiting for a person, and commands undelivered for longer than {@code lethe.dispatch.alert-after}.
 * Subjects appear by subject id only. Each section lists at most {@link #ROWS} rows and counts them all.
 */
public final class RiskReport {

    public static final int ROWS = 1000;

    public static final String NO_CONSENT = "no-consent";
    public static final String STALE_CONSENT = "stale-consent";
    public static final String OUT_OF_SYNC = "out-of-sync";
    public static final String REQUESTS = "requests";
    public static final String FAILING_COMMANDS = "failing-commands";
    public static final List<String> SECTIONS = List.of(NO_CONSENT, STALE_CONSENT, OUT_OF_SYNC, REQUESTS,
            FAILING_COMMANDS);

    private final DataSource dataSource;
    private final Connectors connectors;
    private final ReconcileRuns runs;
    private final Clock clock;
    private final int maxAgeMonths;
    private final Duration alertAfter;

    public RiskReport(DataSource dataSource, Connectors connectors, ReconcileRuns runs, Clock clock, int maxAgeMonths,
            Duration alertAfter) {
        this.dataSource = dataSource;
        this.connectors = connectors;
        this.runs = runs;
        this.clock = clock;
        this.maxAgeMonths = maxAgeMonths;
        this.alertAfter = alertAfter;
    }

    /** One section: its id (for the CSV link), title, how many rows in all, and the first {@link #ROWS}. */
    public record Section(String id, String title, long total, Table table) {
    }

    public List<Section> all() {
        return SECTIONS.stream().map(s -> section(s).orElseThrow()).toList();
    }

    public Optional<Section> section(String id) {
        return Optional.ofNullable(switch (id) {
            case NO_CONSENT -> noConsent();
            case STALE_CONSENT -> staleConsent();
            case OUT_OF_SYNC -> outOfSync();
            case REQUESTS -> requests();
            case FAILING_COMMANDS -> failingCommands();
            default -> null;
        });
    }

    public int maxAgeMonths() {
        return maxAgeMonths;
    }

    public Duration alertAfter() {
        return alertAfter;
    }

    /** Erased subjects (key shredded) are not listed: nothing of them is processed any more. */
    Section noConsent() {
        String from = " from subject s where s.data_key is not null"
                + " and not exists (select 1 from consent_state cs where cs.subject_id = s.id)";
        return query(NO_CONSENT, "Subjects with no consent on record", "select count(*)" + from,
                "select s.id, s.created_at, s.unconsented_source" + from + " order by s.created_at, s.id",
                List.of("subjectId", "since", "firstSeenIn"), List.of(),
                rs -> List.of(rs.getString(1), time(rs, 2), rs.getString(3) == null ? "" : rs.getString(3)));
    }

    Section staleConsent() {
        Instant cutoff = clock.instant().atOffset(ZoneOffset.UTC).minusMonths(maxAgeMonths).toInstant();
        String from = " from consent_state cs join subject s on s.id = cs.subject_id where s.data_key is not null"
                + " and cs.status = 'granted' and cs.effective_at < ?";
        return query(STALE_CONSENT, "Consent granted more than " + maxAgeMonths + " months ago",
                "select count(*)" + from,
                "select cs.subject_id, cs.purpose, cs.effective_at, cs.lawful_basis" + from
                        + " order by cs.effective_at, cs.subject_id, cs.purpose",
                List.of("subjectId", "purpose", "grantedAt", "lawfulBasis"), List.of(utc(cutoff)),
                rs -> List.of(rs.getString(1), rs.getString(2), time(rs, 3), rs.getString(4)));
    }

    /** Per connector, the last completed run: out of sync when any rule found drift. */
    Section outOfSync() {
        List<List<String>> rows = new ArrayList<>();
        for (ConnectorDescriptor d : connectors.known()) {
            runs.lastCompletedRunId(d.id()).flatMap(runs::report).ifPresent(r -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> drift = (Map<String, Object>) r.get("drift");
                long total = drift.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
                if (total > 0) {
                    rows.add(List.of(d.id(), (String) r.get("runId"), String.valueOf(r.get("finishedAt")),
                            Boolean.TRUE.equals(r.get("dryRun")) ? "yes" : "no", String.valueOf(drift.get("optout_repair")),
                            String.valueOf(drift.get("vendor_optout")), String.valueOf(drift.get("reimport")),
                            String.valueOf(drift.get("unknown_contact"))));
                }
            });
        }
        return new Section(OUT_OF_SYNC, "Vendors out of sync at their last reconciliation", rows.size(),
                new Table(List.of("vendor", "runId", "finishedAt", "dryRun", "optout_repair", "vendor_optout",
                        "reimport", "unknown_contact"), rows));
    }

    Section requests() {
        String from = " from dsr where (status in ('identity_unverified', 'pending', 'in_progress') and due_at < ?)"
                + " or status = 'action_required'";
        return query(REQUESTS, "Requests overdue or waiting for a person", "select count(*)" + from,
                "select id, type, regulation, status, due_at, subject_id" + from + " order by due_at, id",
                List.of("requestId", "type", "regulation", "status", "dueAt", "overdue", "subjectId"),
                List.of(utc(clock.instant())), rs -> {
                    Instant due = rs.getObject(5, OffsetDateTime.class).toInstant();
                    return List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), due.toString(),
                            due.isBefore(clock.instant()) ? "yes" : "no", rs.getString(6));
                });
    }

    /** As {@code StalledCommands}: not yet delivered (pending or in flight) and written before the alert threshold. */
    Section failingCommands() {
        String from = " from outbox_command where status in ('pending', 'in_flight') and created_at < ?";
        return query(FAILING_COMMANDS, "Commands undelivered for longer than " + alertAfter.toString()
                        .substring(2).toLowerCase(java.util.Locale.ROOT), "select count(*)" + from,
                "select id, connector, subject_id, action, purpose, attempts, outcome, created_at, not_before" + from
                        + " order by created_at, id",
                List.of("commandId", "vendor", "subjectId", "action", "purpose", "attempts", "lastOutcome", "since",
                        "nextAttempt"),
                List.of(utc(clock.instant().minus(alertAfter))),
                rs -> List.of(String.valueOf(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4),
                        nz(rs.getString(5)), String.valueOf(rs.getInt(6)), nz(rs.getString(7)), time(rs, 8),
                        time(rs, 9)));
    }

    private interface Row {
        List<String> read(ResultSet rs) throws SQLException;
    }

    private Section query(String id, String title, String countSql, String sql, List<String> header,
            List<Object> args, Row row) {
        return Sql.transaction(dataSource, "reading the risk report", c -> {
            long total;
            try (PreparedStatement ps = bind(c, countSql, args); ResultSet rs = ps.executeQuery()) {
                rs.next();
                total = rs.getLong(1);
            }
            List<List<String>> rows = new ArrayList<>();
            try (PreparedStatement ps = bind(c, sql, args)) {
                ps.setMaxRows(ROWS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row.read(rs));
                    }
                }
            }
            return new Section(id, title, total, new Table(header, rows));
        });
    }

    private static PreparedStatement bind(Connection c, String sql, List<Object> args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
        return ps;
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static String time(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? "" : t.toInstant().toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
