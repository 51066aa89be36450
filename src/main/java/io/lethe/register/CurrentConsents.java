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

/** Reads a subject's current state per purpose from {@code consent_state}: one indexed query, however long the history. */
final class CurrentConsents {

    private final DataSource dataSource;
    private final KeyRing keys;

    CurrentConsents(DataSource dataSource, KeyRing keys) {
        this.dataSource = dataSource;
        this.keys = keys;
    }

    /** Current state per purpose, by purpose name; empty when the subject is unknown. */
    Optional<List<ConsentState>> read(String subjectId) {
        try (Connection c = dataSource.getConnection()) {
            SubjectKeyLookup subject = SubjectKeyLookup.load(c, keys, subjectId);
            if (!subject.exists()) {
                return Optional.empty();
            }
            List<ConsentState> states = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select purpose, status, effective_at, lawful_basis,"
                    + " source_ref, sealed_source, event_id from consent_state where subject_id = ? order by purpose")) {
                ps.setString(1, subjectId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String source = SealedSources.open(subject.key(), rs.getString(7), rs.getString(5),
                                rs.getBytes(6), null);
                        states.add(new ConsentState(rs.getString(1), ConsentStatus.ofWire(rs.getString(2)).orElseThrow(),
                                rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(4), source));
                    }
                }
            }
            return Optional.of(states);
        } catch (SQLException e) {
            throw new RegisterException("reading current consents failed", e);
        }
    }
}
