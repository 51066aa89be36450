package io.lethe.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.lethe.db.Sql;

/**
 * Which subjects are on an active legal hold (unreleased, its until not passed), read from the register's
 * legal_hold table. Dispatch asks it last, right before an erase would go out: whatever filed or resent the erase,
 * it never reaches a vendor for a held subject (GDPR Art. 17(3)). Holds are placed by the request layer (LegalHolds),
 * with the same clock.
 */
public final class SubjectHolds {

    private final DataSource dataSource;
    private final Clock clock;

    public SubjectHolds(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** The subjects among {@code subjectIds} on an active hold. */
    public Set<String> held(Collection<String> subjectIds) {
        if (subjectIds.isEmpty()) {
            return Set.of();
        }
        return Sql.transaction(dataSource, "reading legal holds", c -> held(c, subjectIds));
    }

    /** The same, in the caller's transaction. */
    public Set<String> held(Connection c, Collection<String> subjectIds) throws SQLException {
        Set<String> out = new LinkedHashSet<>();
        List<String> all = new ArrayList<>(new LinkedHashSet<>(subjectIds));
        all.removeIf(java.util.Objects::isNull);
        for (int from = 0; from < all.size(); from += Sql.IN_LIST_CHUNK) {
            List<String> part = all.subList(from, Math.min(all.size(), from + Sql.IN_LIST_CHUNK));
            try (PreparedStatement ps = c.prepareStatement("select subject_id from legal_hold where subject_id in ("
                    + Sql.placeholders(part.size()) + ") and released_at is null and (until_at is null"
                    + " or until_at > ?)")) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setString(i + 1, part.get(i));
                }
                ps.setObject(part.size() + 1, clock.instant().atOffset(ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    /** An erase command of a subject on legal hold was to be sent again: refused, nothing changed. */
    public static final class HeldException extends RuntimeException {
        public HeldException(long commandId) {
            super("Command " + commandId + " erases a subject under an active legal hold; it cannot be sent again"
                    + " until the hold is released (the release restarts the erasure).");
        }
    }
}
