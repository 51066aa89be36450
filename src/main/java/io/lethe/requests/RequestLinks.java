package io.lethe.requests;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

import static io.lethe.requests.RequestStore.utc;

/**
 * JDBC access to a request's single-use links ({@code dsr_link}) and to the sealed contact address of a request whose
 * person is not in the register yet. Every method works in the caller's transaction; only a token's SHA-256 is stored.
 */
final class RequestLinks {

    /** What is stored of a link's token: its SHA-256, hex. */
    static String hash(String token) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Why a link was sent. */
    enum Purpose {
        /** To an address on record (or, for someone the register does not know, the address given): proves who asks. */
        IDENTITY,
        /** To the corrected address of a rectification: proves it is the person's before it replaces the old one. */
        NEW_EMAIL;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    void add(Connection c, String requestId, String tokenHash, Purpose purpose, Instant expiresAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into dsr_link (token_hash, request_id, purpose, expires_at) values (?, ?, ?, ?)")) {
            ps.setString(1, tokenHash);
            ps.setString(2, requestId);
            ps.setString(3, purpose.wire());
            ps.setObject(4, utc(expiresAt));
            ps.executeUpdate();
        }
    }

    /** The unverified request whose unused, unexpired link this is, without using it (GET of the link). */
    Optional<String> peek(Connection c, String tokenHash, Instant now) throws SQLException {
        return open(c, tokenHash, now);
    }

    /** Uses the link once: the request it belongs to, if the link was open. */
    Optional<String> confirm(Connection c, String tokenHash, Instant now) throws SQLException {
        Optional<String> id = open(c, tokenHash, now);
        if (id.isPresent()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "update dsr_link set confirmed_at = ? where token_hash = ? and confirmed_at is null")) {
                ps.setObject(1, utc(now));
                ps.setString(2, tokenHash);
                if (ps.executeUpdate() != 1) {
                    return Optional.empty();
                }
            }
        }
        return id;
    }

    private Optional<String> open(Connection c, String tokenHash, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select l.request_id from dsr_link l join dsr d on d.id ="
                + " l.request_id where l.token_hash = ? and l.confirmed_at is null and l.expires_at > ? and d.status ="
                + " 'identity_unverified'")) {
            ps.setString(1, tokenHash);
            ps.setObject(2, utc(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Whether a link sent before {@code dsr_link} existed (its hash on the request itself) is still open. */
    boolean legacyOpen(Connection c, String tokenHash, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from dsr where verification_hash = ? and status ="
                + " 'identity_unverified' and verification_expires_at > ?")) {
            ps.setString(1, tokenHash);
            ps.setObject(2, utc(now));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** How many of the request's links are still unconfirmed. */
    int outstanding(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select count(*) from dsr_link where request_id = ? and confirmed_at is null")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Every link of the request is confirmed: it is no longer unverified. */
    void markVerified(Connection c, String requestId, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update dsr set verification_expires_at = null where id = ?")) {
            ps.setString(1, requestId);
            ps.executeUpdate();
        }
        new RequestStore().setStatus(c, requestId, RequestStatus.PENDING, now); // publishes request.status_changed
    }

    void saveContact(Connection c, String requestId, byte[] wrappedKey, byte[] sealedAddress) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update dsr set contact_key = ?, sealed_contact = ? where id = ?")) {
            ps.setBytes(1, wrappedKey);
            ps.setBytes(2, sealedAddress);
            ps.setString(3, requestId);
            ps.executeUpdate();
        }
    }

    /** [wrapped request key, sealed address], or empty when the request has none (any more). */
    Optional<byte[][]> contact(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select contact_key, sealed_contact from dsr where id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBytes(1) != null
                        ? Optional.of(new byte[][] {rs.getBytes(1), rs.getBytes(2)}) : Optional.empty();
            }
        }
    }

    /** Destroys the request's own key: the sealed contact address can never be opened again. */
    void forgetContact(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update dsr set contact_key = null, sealed_contact = null where id = ?")) {
            ps.setString(1, requestId);
            ps.executeUpdate();
        }
    }

    void attachSubject(Connection c, String requestId, String subjectId, byte[] resealedChanges) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update dsr set subject_id = ?, sealed_changes = ? where id = ?")) {
            ps.setString(1, subjectId);
            ps.setBytes(2, resealedChanges);
            ps.setString(3, requestId);
            ps.executeUpdate();
        }
    }
}
