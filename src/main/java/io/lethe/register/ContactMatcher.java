package io.lethe.register;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.lethe.db.Sql;

/** Reconciliation's view of the register: vendor contacts matched to subjects, suppressions and consent state. */
final class ContactMatcher {

    /** H2 checks each row against an IN list one element at a time: short lists keep reconciliation linear. */
    private static final int MATCH_CHUNK = 100;

    private final DataSource dataSource;
    private final KeyRing keys;

    ContactMatcher(DataSource dataSource, KeyRing keys) {
        this.dataSource = dataSource;
        this.keys = keys;
    }

    /**
     * For a page of normalised addresses: the subject each belongs to, whether it is in the suppression register, and
     * the subject's current state for {@code purpose}. A few set-based queries per page, so a million vendor contacts
     * stream through in bounded memory.
     */
    Map<String, ConsentRegister.EmailMatch> match(Collection<String> emails, String purpose) {
        Map<String, String> hashToEmail = new HashMap<>();
        emails.forEach(e -> hashToEmail.put(keys.lookupHash(IdentityKind.EMAIL, e), e));
        Map<String, String> subjectByHash = new HashMap<>();
        java.util.Set<String> suppressed = new java.util.HashSet<>();
        Map<String, ConsentStatus> status = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            List<String> hashes = List.copyOf(hashToEmail.keySet());
            forEachChunk(c, hashes, "select lookup_hash, subject_id from subject_identity where lookup_hash in ", "",
                    rs -> subjectByHash.put(rs.getString(1), rs.getString(2)));
            forEachChunk(c, hashes, "select lookup_hash from suppression where lookup_hash in ", "",
                    rs -> suppressed.add(rs.getString(1)));
            List<String> subjects = subjectByHash.values().stream().distinct().toList();
            forEachChunk(c, subjects, "select subject_id, status from consent_state where purpose = '"
                    + purpose.replace("'", "") + "' and subject_id in ", "",
                    rs -> status.put(rs.getString(1), ConsentStatus.ofWire(rs.getString(2)).orElseThrow()));
        } catch (SQLException e) {
            throw new RegisterException("matching vendor contacts failed", e);
        }
        Map<String, ConsentRegister.EmailMatch> out = new HashMap<>();
        hashToEmail.forEach((hash, email) -> {
            String subject = subjectByHash.get(hash);
            out.put(email, new ConsentRegister.EmailMatch(subject, suppressed.contains(hash), subject == null ? null : status.get(subject)));
        });
        return out;
    }

    private static void forEachChunk(Connection c, List<String> values, String prefix, String suffix,
            Sql.RowReader row) throws SQLException {
        Sql.forEachChunk(c, prefix, values, suffix, MATCH_CHUNK, row);
    }
}
