package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a subject's consent events a page at a time, in effective order (the order in which they decided the state:
 * effective time, then recorded order), so the last event of a purpose is its current state. Pages are read by key
 * from an index, so a long history costs the same per page as a short one.
 */
final class ConsentHistory {

    private static final String COLUMNS = "select seq, id, purpose, status, lawful_basis, source_ref, sealed_source,"
            + " source, captured_at, recorded_at, sealed_evidence, effective_at from consent_event where subject_id = ?";

    private final DataSource dataSource;
    private final KeyRing keys;
    private final ObjectMapper json = new ObjectMapper();

    ConsentHistory(DataSource dataSource, KeyRing keys) {
        this.dataSource = dataSource;
        this.keys = keys;
    }

    /**
     * The events after the one at position {@code after} (null: from the start), at most {@code limit}; empty when the
     * subject is unknown.
     *
     * @throws UnknownHistoryCursorException when {@code after} is not the position of one of this subject's events
     */
    Optional<HistoryPage> page(String subjectId, Long after, int limit) {
        try (Connection c = dataSource.getConnection()) {
            SubjectKeyLookup subject = SubjectKeyLookup.load(c, keys, subjectId);
            if (!subject.exists()) {
                return Optional.empty();
            }
            OffsetDateTime afterEffective = after == null ? null : effectiveAt(c, subjectId, after);
            // A row comparison, so PostgreSQL starts the index scan at the cursor instead of filtering up to it.
            String sql = COLUMNS + (after == null ? "" : " and (effective_at, seq) > (?, ?)")
                    + " order by effective_at, seq limit ?";
            List<ConsentEvent> events = new ArrayList<>();
            long lastSeq = 0;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, subjectId);
                if (after != null) {
                    ps.setObject(i++, afterEffective);
                    ps.setLong(i++, after);
                }
                ps.setInt(i, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (events.size() < limit) {
                            lastSeq = rs.getLong(1);
                        }
                        events.add(toEvent(rs, subject.key()));
                    }
                }
            }
            boolean more = events.size() > limit;
            return Optional.of(new HistoryPage(more ? events.subList(0, limit) : events, more ? lastSeq : null));
        } catch (SQLException e) {
            throw new RegisterException("reading consent history failed", e);
        }
    }

    /** Every event, page by page (the access export needs them all). */
    Optional<List<ConsentEvent>> all(String subjectId) {
        Optional<HistoryPage> page = page(subjectId, null, 1000);
        if (page.isEmpty()) {
            return Optional.empty();
        }
        List<ConsentEvent> events = new ArrayList<>(page.get().events());
        while (page.get().nextAfter() != null) {
            page = page(subjectId, page.get().nextAfter(), 1000);
            events.addAll(page.orElseThrow().events());
        }
        return Optional.of(events);
    }

    private static OffsetDateTime effectiveAt(Connection c, String subjectId, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select effective_at from consent_event where seq = ? and subject_id = ?")) {
            ps.setLong(1, seq);
            ps.setString(2, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new UnknownHistoryCursorException();
                }
                return rs.getObject(1, OffsetDateTime.class);
            }
        }
    }

    private ConsentEvent toEvent(ResultSet rs, Optional<KeyRing.SubjectKey> key) throws SQLException {
        String eventId = rs.getString(2);
        byte[] sealedEvidence = rs.getBytes(11);
        Evidence evidence = null;
        if (sealedEvidence != null && key.isPresent()) {
            evidence = readEvidence(key.get().open(sealedEvidence, eventId));
        }
        String source = SealedSources.open(key, eventId, rs.getString(6), rs.getBytes(7), rs.getString(8));
        return new ConsentEvent(eventId, rs.getString(3), ConsentStatus.ofWire(rs.getString(4)).orElseThrow(),
                rs.getString(5), source, rs.getObject(9, OffsetDateTime.class).toInstant(),
                rs.getObject(10, OffsetDateTime.class).toInstant(), evidence, sealedEvidence != null && key.isEmpty());
    }

    private Evidence readEvidence(String sealedJson) {
        try {
            JsonNode node = json.readTree(sealedJson);
            return new Evidence(node.path("noticeVersion").textValue(), node.path("ip").textValue(),
                    node.path("userAgent").textValue(), node.path("observed").textValue());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored evidence is not readable", e);
        }
    }
}
