package io.lethe.retention;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.db.DatabaseException;
import io.lethe.db.Sql;
import io.lethe.retention.Retention.Counts;
import io.lethe.retention.Retention.Run;

/**
 * The {@code retention_run} table: one row per policy per run, counts only. A scheduled run claims
 * {@code <policy>/<UTC day>} (unique), so of two hubs on one register only the first runs a policy that day.
 */
final class RetentionRuns {


    private final DataSource dataSource;
    private final Clock clock;

    RetentionRuns(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** A new running run; empty when {@code claimKey} (not null) was claimed already, by this hub or another. */
    Optional<String> claim(String policy, String claimKey, String startedBy) {
        String id = UUID.randomUUID().toString();
        try {
            Sql.transaction(dataSource, "claiming a retention run", c -> {
                try (PreparedStatement ps = c.prepareStatement("insert into retention_run (id, policy, claim_key,"
                        + " started_by, status, started_at) values (?, ?, ?, ?, 'running', ?)")) {
                    ps.setString(1, id);
                    ps.setString(2, policy);
                    ps.setString(3, claimKey);
                    ps.setString(4, startedBy);
                    ps.setObject(5, utc(clock.instant()));
                    ps.executeUpdate();
                }
                return null;
            });
        } catch (DatabaseException e) {
            if (e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return Optional.empty(); // unique claim_key: another hub (or an earlier round) has this day
            }
            throw e;
        }
        return Optional.of(id);
    }

    void finish(String id, String status, Counts counts, String error) {
        Sql.transaction(dataSource, "finishing a retention run", c -> {
            try (PreparedStatement ps = c.prepareStatement("update retention_run set status = ?, selected = ?, filed = ?,"
                    + " held = ?, already_open = ?, finished_at = ?, error = ? where id = ?")) {
                ps.setString(1, status);
                ps.setInt(2, counts.selected());
                ps.setInt(3, counts.filed());
                ps.setInt(4, counts.held());
                ps.setInt(5, counts.alreadyOpen());
                ps.setObject(6, utc(clock.instant()));
                ps.setString(7, error == null ? null : error.substring(0, Math.min(256, error.length())));
                ps.setString(8, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Runs a stopped hub left running (started before {@code before}) are marked failed; how many. */
    int failStale(Instant before) {
        return Sql.transaction(dataSource, "closing stale retention runs", c -> {
            try (PreparedStatement ps = c.prepareStatement("update retention_run set status = 'failed', finished_at = ?,"
                    + " error = 'the hub stopped during the run; the next run takes its subjects' where status ="
                    + " 'running' and started_at < ?")) {
                ps.setObject(1, utc(clock.instant()));
                ps.setObject(2, utc(before));
                return ps.executeUpdate();
            }
        });
    }

    Optional<Run> find(String id) {
        return query("where id = ?", id, 1).stream().findFirst();
    }

    /** The latest runs, newest first. */
    List<Run> recent(int max) {
        return query("", null, max);
    }

    private List<Run> query(String where, String arg, int max) {
        return Sql.transaction(dataSource, "reading retention runs", c -> {
            List<Run> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, policy, started_by, status, selected, filed, held,"
                    + " already_open, started_at, finished_at, error from retention_run " + where
                    + " order by started_at desc, id")) {
                if (arg != null) {
                    ps.setString(1, arg);
                }
                ps.setMaxRows(max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime finished = rs.getObject(10, OffsetDateTime.class);
                        out.add(new Run(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                                rs.getInt(6), rs.getInt(7), rs.getInt(8),
                                rs.getObject(9, OffsetDateTime.class).toInstant(),
                                finished == null ? null : finished.toInstant(), rs.getString(11)));
                    }
                }
            }
            return out;
        });
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
