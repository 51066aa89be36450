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
     * No purpose granted now, and the subject's latest activity before the cutoff. Activity is the latest of when
     * the register recorded a consent event and when the caller says it was captured or took effect (so a bulk
     * import today of events dated years back is activity today: it does not make anybody erasable at once); without
     * any event, the subject's registration. A subject with a request still open (any type), or filed within the
     * period by anyone but retention itself, is active too and is not named ({@link #NO_RECENT_REQUEST}).
     */
    static List<Candidate> inactive(Connection c, Instant cutoff) throws SQLException {
        return read(c, "select a.id, case when a.recorded > a.effective then a.recorded else a.effective end from"
                + " (select s.id, coalesce(max(e.recorded_at), s.created_at) as recorded, coalesce(max(coalesce("
                + "e.effective_at, e.captured_at)), s.created_at) as effective from subject s left join consent_event e"
                + " on e.subject_id = s.id where s.data_key is not null and not exists (select 1 from consent_state g"
                + " where g.subject_id = s.id and g.status = 'granted') group by s.id, s.created_at) a"
                + " where a.recorded < ? and a.effective < ? and " + NO_RECENT_REQUEST.formatted("a.id")
                + " order by a.id", List.of(utc(cutoff), utc(cutoff), utc(cutoff)));
    }

    /**
     * Requests are activity: none of the subject's may be open (access, rectification, restriction, objection or
     * erasure: someone is dealing with the person now), nor filed on or after the cutoff, except the ones retention
     * files itself (filed_by retention:...). One parameter: the cutoff.
     */
    static final String NO_RECENT_REQUEST = "not exists (select 1 from dsr d where d.subject_id = %s and (d.status not"
            + " in ('completed', 'failed', 'cancelled') or (d.received_at >= ? and d.filed_by not like 'retention:%%')))";

    /**
     * The latest command the hub delivered for the subject to any of the connectors (not counting erasures) before
     * the cutoff, and no erasure there since (filed, running or failed: a failed one is the DPO's, not a new run's);
     * no request open or filed within the period, as for {@link #inactive}.
     */
    static List<Candidate> connectorAge(Connection c, List<String> connectors, Instant cutoff) throws SQLException {
        String in = Sql.placeholders(connectors.size());
        List<Object> args = new ArrayList<>(connectors);
        args.add(utc(cutoff));
        args.addAll(connectors);
        args.add(utc(cutoff));
        return read(c, "select a.subject_id, a.last_at from (select o.subject_id, max(o.updated_at) as last_at"
                + " from outbox_command o where o.connector in (" + in + ") and o.status = 'done' and o.action <>"
                + " 'erase' group by o.subject_id) a join subject s on s.id = a.subject_id and s.data_key is not null"
                + " where a.last_at < ? and not exists (select 1 from outbox_command x where x.subject_id ="
                + " a.subject_id and x.connector in (" + in + ") and x.action = 'erase' and x.created_at >= a.last_at)"
                + " and " + NO_RECENT_REQUEST.formatted("a.subject_id") + " order by a.subject_id", args);
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
