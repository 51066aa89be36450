package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/** Appends consent events and moves the current state on, in the caller's transaction. */
final class ConsentEventWriter {

    private static final String INSERT = "insert into consent_event (id, subject_id, purpose, status, lawful_basis,"
            + " source_ref, sealed_source, captured_at, recorded_at, effective_at, sealed_evidence)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private ConsentEventWriter() {
    }

    /** Writes the events (one JDBC batch) and returns them as listeners see them, each telling whether it is current. */
    static List<ConsentListener.RecordedConsent> write(Connection c, List<EventRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (EventRow row : rows) {
                ps.setString(1, row.eventId());
                ps.setString(2, row.subjectId());
                ps.setString(3, row.purpose());
                ps.setString(4, row.status().wire());
                ps.setString(5, row.lawfulBasis());
                ps.setString(6, row.sourceRef());
                ps.setBytes(7, row.sealedSource());
                ps.setObject(8, ConsentStateTable.utc(row.capturedAt()));
                ps.setObject(9, ConsentStateTable.utc(row.recordedAt()));
                ps.setObject(10, ConsentStateTable.utc(row.effectiveAt()));
                ps.setBytes(11, row.sealedEvidence());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        Set<String> current = ConsentStateTable.advance(c, rows);
        return rows.stream().map(r -> new ConsentListener.RecordedConsent(r.eventId(), r.subjectId(), r.purpose(),
                r.status(), current.contains(r.eventId()))).toList();
    }
}
