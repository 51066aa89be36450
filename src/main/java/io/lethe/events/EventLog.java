package io.lethe.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.sql.DataSource;

import io.lethe.db.Sql;

/**
 * Reads the event log and sequences it.
 * <p>
 * Why a sequencer: an identity id is taken when a row is inserted, but rows become visible when their transaction
 * commits, so a reader paging by id could read past id 8 while id 7 was still uncommitted and never see 7.
 * {@link #sequence} instead numbers committed events (seq) one batch at a time, holding the lock on the single
 * {@code event_sequence} row, so any seq given later is larger than every seq a reader can already have seen. Readers
 * page by seq and see only sequenced events: gap-free, at the cost of the sequencer's period in latency.
 */
public final class EventLog {

    /** Told of freshly sequenced events inside the sequencing transaction (webhook deliveries are fanned out there). */
    @FunctionalInterface
    public interface Sequenced {
        void onSequenced(Connection c, List<Event> events) throws SQLException;
    }

    private final DataSource dataSource;
    private final List<Sequenced> listeners = new ArrayList<>();

    public EventLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void addListener(Sequenced listener) {
        listeners.add(listener);
    }

    /** Gives up to {@code max} committed, unsequenced events their seq, oldest first; returns how many. */
    public int sequence(int max) {
        return Sql.transaction(dataSource, "sequencing events", c -> {
            long last;
            try (PreparedStatement ps = c.prepareStatement(
                    "select last_seq from event_sequence where name = 'events' for update");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                last = rs.getLong(1);
            }
            List<Event> fresh = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, type, occurred_at, subject_id, data"
                    + " from event_log where seq is null order by id limit ?")) {
                ps.setInt(1, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        fresh.add(new Event(rs.getLong(1), rs.getString(2),
                                rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), rs.getString(5)));
                    }
                }
            }
            if (fresh.isEmpty()) {
                return 0;
            }
            List<Event> sequenced = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("update event_log set seq = ? where id = ?")) {
                for (Event e : fresh) {
                    last++;
                    ps.setLong(1, last);
                    ps.setLong(2, e.id());
                    ps.addBatch();
                    sequenced.add(new Event(last, e.type(), e.occurredAt(), e.subjectId(), e.data()));
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "update event_sequence set last_seq = ? where name = 'events'")) {
                ps.setLong(1, last);
                ps.executeUpdate();
            }
            for (Sequenced listener : listeners) {
                listener.onSequenced(c, sequenced);
            }
            return sequenced.size();
        });
    }

    /** The newest seq given (0 before the first event). */
    public long lastSeq() {
        return Sql.transaction(dataSource, "reading the event sequence", EventLog::lastSeq);
    }

    static long lastSeq(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select last_seq from event_sequence where name = 'events'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Up to {@code limit} sequenced events after {@code after}, in seq order; only of {@code types} unless empty. */
    public List<Event> after(long after, int limit, Collection<String> types) {
        StringBuilder sql = new StringBuilder("select seq, type, occurred_at, subject_id, data from event_log"
                + " where seq > ?");
        if (!types.isEmpty()) {
            sql.append(" and type in (").append(Sql.placeholders(types.size())).append(')');
        }
        sql.append(" order by seq limit ?");
        return Sql.transaction(dataSource, "reading events", c -> {
            List<Event> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                ps.setLong(i++, after);
                for (String t : types) {
                    ps.setString(i++, t);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Event(rs.getLong(1), rs.getString(2),
                                rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return out;
        });
    }

    /** One sequenced event by its seq (null when there is none). */
    public static Event read(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select seq, type, occurred_at, subject_id, data from event_log"
                + " where seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Event(rs.getLong(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), rs.getString(5)) : null;
            }
        }
    }
}
