package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.lethe.db.Transactions;

/**
 * Once, at start: seals the clear-text {@code source} of events written before sources were sealed (V10_1) with the
 * subject's key, copying the sealed value into the current state; a shredded subject's is blanked. SQL cannot do it
 * (the key is not in the database). Every old source is sealed, even one that looks like the hub's own, because a
 * caller could have written anything. Safe to repeat: it only touches rows that still have a clear source.
 */
public final class LegacySourceSealer {

    static final String TASK = "seal-legacy-sources";
    private static final int PAGE = 500;

    private final DataSource dataSource;
    private final KeyRing keys;
    private final Clock clock;

    public LegacySourceSealer(DataSource dataSource, KeyRing keys, Clock clock) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.clock = clock;
    }

    /** Seals what is left; returns how many events it changed. */
    public int run() {
        try {
            if (done()) {
                return 0;
            }
            int changed = 0;
            long after = 0;
            while (true) {
                long from = after;
                List<Object[]> rows = read(from);
                if (rows.isEmpty()) {
                    break;
                }
                changed += Transactions.inTransaction(dataSource, c -> seal(c, rows));
                after = (Long) rows.get(rows.size() - 1)[0];
            }
            markDone();
            return changed;
        } catch (SQLException e) {
            throw new RegisterException("sealing the clear-text sources of old consent events failed", e);
        }
    }

    private void markDone() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("insert into register_upkeep (task, done_at) values (?, ?)")) {
            ps.setString(1, TASK);
            ps.setObject(2, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!ConsentRegister.isUniqueViolation(e)) { // another node finished it at the same time
                throw e;
            }
        }
    }

    private boolean done() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select 1 from register_upkeep where task = ?")) {
            ps.setString(1, TASK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private List<Object[]> read(long after) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select seq, id,"
                + " subject_id, source from consent_event where source is not null and seq > ? order by seq limit ?")) {
            ps.setLong(1, after);
            ps.setInt(2, PAGE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        return rows;
    }

    private int seal(Connection c, List<Object[]> rows) throws SQLException {
        Map<String, Optional<KeyRing.SubjectKey>> keyBySubject = new HashMap<>();
        try (PreparedStatement event = c.prepareStatement(
                "update consent_event set sealed_source = ?, source = null where seq = ? and source is not null");
                PreparedStatement state = c.prepareStatement(
                        "update consent_state set sealed_source = ? where event_id = ? and source_ref is null")) {
            for (Object[] row : rows) {
                String eventId = (String) row[1];
                String subjectId = (String) row[2];
                Optional<KeyRing.SubjectKey> key = keyBySubject.get(subjectId);
                if (key == null) {
                    key = SubjectKeyLookup.load(c, keys, subjectId).key();
                    keyBySubject.put(subjectId, key);
                }
                byte[] sealed = key.map(k -> SealedSources.seal(k, eventId, (String) row[3])).orElse(null);
                event.setBytes(1, sealed); // no key any more: the subject is erased, and so is its source
                event.setLong(2, (Long) row[0]);
                event.addBatch();
                state.setBytes(1, sealed);
                state.setString(2, eventId);
                state.addBatch();
            }
            event.executeBatch();
            state.executeBatch();
        }
        return rows.size();
    }
}
