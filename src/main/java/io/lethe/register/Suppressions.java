package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lethe.db.Sql;

/**
 * The suppression register as seen by consent recording: a consent event for an erased identity is still recorded
 * (consent must be provable), but the subject it recreates is flagged with the erasure that came before, because a
 * sync may be re-importing the person.
 */
final class Suppressions {

    private Suppressions() {
    }

    /** The erasure request of each of these lookup hashes that is in the suppression register. */
    static Map<String, String> erasedBy(Connection c, List<String> hashes) throws SQLException {
        Map<String, String> out = new HashMap<>();
        Sql.forEachChunk(c, "select lookup_hash, request_id from suppression where lookup_hash in ", hashes, "",
                Sql.IN_LIST_CHUNK, rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    /** Flags each [subjectId, erasure request id] as recreated after that erasure. */
    static void flagReimported(Connection c, List<String[]> reimported) throws SQLException {
        if (reimported.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "update subject set reimported_after = ? where id = ? and reimported_after is null")) {
            for (String[] r : reimported) {
                ps.setString(1, r[1]);
                ps.setString(2, r[0]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
