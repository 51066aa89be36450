package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lethe.db.Sql;

/**
 * Keeps {@code consent_state} (the current decision per subject and purpose) in step with {@code consent_event}, in
 * the transaction that inserts the events. The event with the latest effective time is current; on a tie the one
 * recorded later wins, so a new event replaces a stored state of equal effective time. Set-based: one locking read
 * per 500 subjects and at most two JDBC batches per call, whatever the number of events.
 */
final class ConsentStateTable {

    private ConsentStateTable() {
    }

    private record Key(String subjectId, String purpose) {
    }

    /** Moves the state on for freshly inserted events; returns the ids of those that are now current. */
    static Set<String> advance(Connection c, List<EventRow> rows) throws SQLException {
        Map<Key, EventRow> winners = new LinkedHashMap<>();
        for (EventRow row : rows) { // in recorded order: a later row of equal effective time wins
            winners.merge(new Key(row.subjectId(), row.purpose()), row,
                    (kept, next) -> next.effectiveAt().isBefore(kept.effectiveAt()) ? kept : next);
        }
        Map<Key, Instant> stored = lockStored(c, winners.keySet().stream().map(Key::subjectId).distinct().sorted().toList());
        List<EventRow> inserts = new ArrayList<>();
        List<EventRow> updates = new ArrayList<>();
        winners.forEach((key, row) -> {
            Instant current = stored.get(key);
            if (current == null) {
                inserts.add(row);
            } else if (!row.effectiveAt().isBefore(current)) {
                updates.add(row);
            }
        });
        Set<String> now = new HashSet<>();
        if (!inserts.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("insert into consent_state (event_id, status, effective_at,"
                    + " lawful_basis, source_ref, sealed_source, subject_id, purpose) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (EventRow row : inserts) {
                    bind(ps, row);
                    ps.addBatch();
                }
                ps.executeBatch(); // a concurrent first event of the same purpose fails here; the caller retries
            }
            inserts.forEach(r -> now.add(r.eventId()));
        }
        if (!updates.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("update consent_state set event_id = ?, status = ?,"
                    + " effective_at = ?, lawful_basis = ?, source_ref = ?, sealed_source = ?"
                    + " where subject_id = ? and purpose = ? and effective_at <= ?")) {
                for (EventRow row : updates) {
                    bind(ps, row);
                    ps.setObject(9, utc(row.effectiveAt()));
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] != 0) { // rows are locked above, so 0 cannot happen; never claim it anyway
                        now.add(updates.get(i).eventId());
                    }
                }
            }
        }
        return now;
    }

    private static void bind(PreparedStatement ps, EventRow row) throws SQLException {
        ps.setString(1, row.eventId());
        ps.setString(2, row.status().wire());
        ps.setObject(3, utc(row.effectiveAt()));
        ps.setString(4, row.lawfulBasis());
        ps.setString(5, row.sourceRef());
        ps.setBytes(6, row.sealedSource());
        ps.setString(7, row.subjectId());
        ps.setString(8, row.purpose());
    }

    /**
     * The stored effective time per subject and purpose, rows locked until commit so two writers of one subject take
     * turns (locked in subject order, so two batches naming the same subjects do not deadlock on these rows).
     */
    private static Map<Key, Instant> lockStored(Connection c, List<String> subjects) throws SQLException {
        Map<Key, Instant> stored = new HashMap<>();
        Sql.forEachChunk(c, "select subject_id, purpose, effective_at from consent_state where subject_id in ",
                subjects, " order by subject_id, purpose for update", Sql.IN_LIST_CHUNK, rs -> stored.put(
                        new Key(rs.getString(1), rs.getString(2)), rs.getObject(3, OffsetDateTime.class).toInstant()));
        return stored;
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
