package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import io.lethe.db.Sql;

/**
 * A subject's personal data under its own key: its sealed identities (read, replaced by a rectification) and what
 * other parts of the hub seal with that key (access exports, a request's changes), so an erasure shreds it all.
 */
final class SubjectData {

    private final DataSource dataSource;
    private final KeyRing keys;

    SubjectData(DataSource dataSource, KeyRing keys) {
        this.dataSource = dataSource;
        this.keys = keys;
    }

    /**
     * Rectification in the register, in the caller's transaction: the subject's identities of this kind are replaced
     * by the corrected value (sealed, with its new lookup hash).
     */
    void replaceIdentity(Connection c, String subjectId, IdentityKind kind, String normalisedValue)
            throws SQLException {
        KeyRing.SubjectKey key = subjectKey(subjectId).orElseThrow(() -> new IllegalStateException("subject erased"));
        String hash = keys.lookupHash(kind, normalisedValue);
        // The value may have become another subject's since the request was filed: never take it from them.
        Optional<String> owner = findSubject(c, hash);
        if (owner.isPresent() && !owner.get().equals(subjectId)) {
            throw new IdentityTakenException(kind);
        }
        try (PreparedStatement ps = c.prepareStatement("delete from subject_identity where subject_id = ? and kind = ?")) {
            ps.setString(1, subjectId);
            ps.setString(2, kind.name());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into subject_identity (lookup_hash, subject_id, kind, sealed_value) values (?, ?, ?, ?)")) {
            ps.setString(1, hash);
            ps.setString(2, subjectId);
            ps.setString(3, kind.name());
            ps.setBytes(4, key.seal(normalisedValue, subjectId + "/" + kind));
            ps.executeUpdate();
        }
    }

    /** Seals personal data (an access export) with the subject's own key, so erasure shreds it too. */
    byte[] sealFor(String subjectId, String plaintext, String boundTo) {
        return subjectKey(subjectId).orElseThrow(() -> new IllegalStateException("subject has been erased"))
                .seal(plaintext, boundTo);
    }

    /** As {@link #sealFor(String, String, String)}, reading the key in the caller's transaction (a subject it created). */
    byte[] sealFor(Connection c, String subjectId, String plaintext, String boundTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select data_key from subject where id = ?")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getBytes(1) == null) {
                    throw new IllegalStateException("subject has been erased");
                }
                return keys.unwrap(subjectId, rs.getBytes(1)).seal(plaintext, boundTo);
            }
        }
    }

    /** Opens what {@link #sealFor} sealed; empty once the subject is erased. */
    Optional<String> openFor(String subjectId, byte[] sealed, String boundTo) {
        return subjectKey(subjectId).map(k -> k.open(sealed, boundTo));
    }

    /** Every identity of the subject, opened: kind field name to values. */
    Map<String, List<String>> identities(String subjectId) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Optional<KeyRing.SubjectKey> key = subjectKey(subjectId);
        if (key.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select kind, sealed_value from subject_identity where subject_id = ? order by kind")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    IdentityKind kind = IdentityKind.valueOf(rs.getString(1));
                    out.computeIfAbsent(kind.field(), k -> new ArrayList<>())
                            .add(key.get().open(rs.getBytes(2), subjectId + "/" + kind));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RegisterException("reading identities failed", e);
        }
    }

    /** The subject's data key, unwrapped; empty when the subject is unknown or erased. */
    Optional<KeyRing.SubjectKey> subjectKey(String subjectId) {
        byte[][] wrapped = new byte[1][];
        Sql.transaction(dataSource, "reading a subject key", c -> {
            try (PreparedStatement ps = c.prepareStatement("select data_key from subject where id = ?")) {
                ps.setString(1, subjectId);
                try (ResultSet rs = ps.executeQuery()) {
                    wrapped[0] = rs.next() ? rs.getBytes(1) : null;
                }
            }
            return null;
        });
        return Optional.ofNullable(wrapped[0]).map(w -> keys.unwrap(subjectId, w));
    }

    static Optional<String> findSubject(Connection c, String lookupHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select subject_id from subject_identity where lookup_hash = ?")) {
            ps.setString(1, lookupHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The e-mail addresses of each subject that has one, opened for a vendor call. Personal data: never log it. */
    Map<String, List<String>> emails(Collection<String> subjectIds) {
        return identities(subjectIds, IdentityKind.EMAIL);
    }

    /** The identities of one kind of each subject that has one, opened for a vendor call. Never log them. */
    Map<String, List<String>> identities(Collection<String> subjectIds, IdentityKind kind) {
        Map<String, List<String>> emails = new HashMap<>();
        if (subjectIds.isEmpty()) {
            return emails;
        }
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(subjectIds));
        return Sql.transaction(dataSource, "reading e-mail identities", c -> {
            Sql.forEachChunk(c, "select i.subject_id, s.data_key, i.sealed_value from subject_identity i join subject s"
                    + " on s.id = i.subject_id where i.kind = '" + kind.name() + "' and i.subject_id in ", ids, "",
                    Sql.IN_LIST_CHUNK,
                    rs -> {
                        String subjectId = rs.getString(1);
                        byte[] wrapped = rs.getBytes(2);
                        if (wrapped != null) {
                            String email = keys.unwrap(subjectId, wrapped).open(rs.getBytes(3),
                                    subjectId + "/" + kind);
                            emails.computeIfAbsent(subjectId, k -> new ArrayList<>()).add(email);
                        }
                    });
            return emails;
        });
    }
}
