package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Whether a subject exists and, unless it has been crypto-shredded, its data key. */
record SubjectKeyLookup(boolean exists, Optional<KeyRing.SubjectKey> key) {

    static SubjectKeyLookup load(Connection c, KeyRing keys, String subjectId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select data_key from subject where id = ?")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new SubjectKeyLookup(false, Optional.empty());
                }
                byte[] wrapped = rs.getBytes(1);
                return new SubjectKeyLookup(true,
                        wrapped == null ? Optional.empty() : Optional.of(keys.unwrap(subjectId, wrapped)));
            }
        }
    }
}
