package io.lethe.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import io.lethe.retention.Retention.Candidate;

/**
 * Which subjects a policy names, read from what the register and the outbox know (ids and dates only). Erased
 * subjects (their key destroyed) are never named. Holds and open erasures are {@link Retention}'s business.
 */
final class RetentionSelection {

    private final DataSource dataSource;

    RetentionSelection(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<Candidate> select(RetentionPolicy policy, Instant now) {
        Instant cutoff = policy.cutoff(now);
        return Sql.transaction(dataSource, "selecting subjects for retention policy " + policy.id(), c ->
                switch (policy.kind()) {
                    case INACTIVE_SUBJECT -> inactive(c, cutoff);
                    case CONNECTOR_AGE -> connectorAge(c, policy.connectors(), cutoff);
                });
    }

    /**
     * No purpose granted now, and the latest consent event (by when it took effect; without any event, the
     * subject's registration) before the cutoff.
     */
    static List<Candidate> inactive(Connection c, Instant cutoff) throws SQLException {
        return read(c, "select a.id, a.last_at from (select s.id, coalesce(max(coalesce(e.effective_at,"
                + " e.captured_at)), s.created_at) as last_at from subject s left join consent_event e on"
                + " e.subject_id = s.id where s.data_key is not null and not exists (select 1 from consent_state g"
                + " where g.subject_id = s.id and g.status = 'granted') group by s.id, s.created_at) a"
                + " where a.last_at < ? order by a.id", List.of(utc(cutoff)));
    }

    /**
     * The latest command the hub delivered for the subject to any of the connectors (not counting erasures) before
     * the cutoff, and no erasure there since (filed, running or failed: a failed one is the DPO's, not a new run's).
     */
    static List<Candidate> connectorAge(Connection c, List<String> connectors, Instant cutoff) throws SQLException {
        String in = Sql.placeholders(connectors.size());
        List<Object> args = new ArrayList<>(connectors);
        args.add(utc(cutoff));
        args.addAll(connectors);
        return read(c, "select a.subject_id, a.last_at from (select o.subject_id, max(o.updated_at) as last_at"
                + " from outbox_command o where o.connector in (" + in + ") and o.status = 'done' and o.action <>"
                + " 'erase' group by o.subject_id) a join subject s on s.id = a.subject_id and s.data_key is not null"
                + " where a.last_at < ? and not exists (select 1 from outbox_command x where x.subject_id ="
                + " a.subject_id and x.connector in (" + in + ") and x.action = 'erase' and x.created_at >= a.last_at)"
                + " order by a.subject_id", args);
    }

    private static List<Candidate> read(Connection c, String sql, List<Object> args) throws SQLException {
        List<Candidate> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Candidate(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return out;
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
