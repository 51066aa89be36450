package io.lethe.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.register.KeyRing;

/**
 * The {@code idempotency_key} table: one row per (API key name, Idempotency-Key), claimed while the request runs,
 * then holding its sealed response until it expires.
 */
public final class IdempotencyStore {

    /** What a claim found. */
    public sealed interface Claim {
    }

    /** The caller owns the key now and runs the request; {@code token} proves it when the response is stored. */
    public record Acquired(String token) implements Claim {
    }

    /** The request ran before: its response, to be sent again. */
    public record Replay(int status, String contentType, String body) implements Claim {
    }

    /** The key was used for another request (method, path or body differ). */
    public record Mismatch() implements Claim {
    }

    /** The first request with this key has not finished yet. */
    public record InFlight() implements Claim {
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final KeyRing.SubjectKey sealingKey;
    private final Duration retention;
    private final Duration lease;
    private final Clock clock;

    /**
     * @param retention how long a response is replayed (24 h)
     * @param lease how long a claim may stay unfinished before a repeat takes it over (the hub stopped mid-request)
     */
    public IdempotencyStore(DataSource dataSource, KeyRing.SubjectKey sealingKey, Duration retention, Duration lease,
            Clock clock) {
        this.dataSource = dataSource;
        this.sealingKey = sealingKey;
        this.retention = retention;
        this.lease = lease;
        this.clock = clock;
    }

    public Claim claim(String keyName, String idempotencyKey, String fingerprint) {
        try (Connection c = dataSource.getConnection()) {
            for (int attempt = 0; attempt < 5; attempt++) {
                Instant now = clock.instant();
                String token = UUID.randomUUID().toString();
                if (insert(c, keyName, idempotencyKey, fingerprint, token, now)) {
                    return new Acquired(token);
                }
                Claim found = existing(c, keyName, idempotencyKey, fingerprint, token, now);
                if (found != null) {
                    return found;
                }
            }
            return new InFlight(); // the row keeps changing under us: another request is busy with it
        } catch (SQLException e) {
            throw new IllegalStateException("idempotency key could not be claimed", e);
        }
    }

    private boolean insert(Connection c, String keyName, String idempotencyKey, String fingerprint, String token,
            Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into idempotency_key (key_name, idem_key, fingerprint,"
                + " claim, state, claimed_at, expires_at) values (?, ?, ?, ?, 'in_flight', ?, ?)")) {
            ps.setString(1, keyName);
            ps.setString(2, idempotencyKey);
            ps.setString(3, fingerprint);
            ps.setString(4, token);
            ps.setObject(5, at(now));
            ps.setObject(6, at(now.plus(retention)));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** The claim an existing row gives, or null when it vanished or expired and the insert should be tried again. */
    private Claim existing(Connection c, String keyName, String idempotencyKey, String fingerprint, String token,
            Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select fingerprint, claim, state, status_code, content_type,"
                + " sealed_body, claimed_at, expires_at from idempotency_key where key_name = ? and idem_key = ?")) {
            ps.setString(1, keyName);
            ps.setString(2, idempotencyKey);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String oldClaim = rs.getString(2);
                if (!rs.getObject(8, OffsetDateTime.class).toInstant().isAfter(now)) {
                    delete(c, keyName, idempotencyKey, oldClaim);
                    return null;
                }
                boolean completed = rs.getString(3).equals("completed");
                if (completed && !rs.getString(1).equals(fingerprint)) {
                    return new Mismatch();
                }
                if (completed) {
                    return new Replay(rs.getInt(4), rs.getString(5),
                            sealingKey.open(rs.getBytes(6), boundTo(keyName, idempotencyKey)));
                }
                // In flight: its outcome is unknown yet, whatever this request's body is.
                boolean stale = rs.getObject(7, OffsetDateTime.class).toInstant().plus(lease).isBefore(now);
                if (stale && takeOver(c, keyName, idempotencyKey, fingerprint, oldClaim, token, now)) {
                    return new Acquired(token);
                }
                return stale ? null : new InFlight();
            }
        }
    }

    private static boolean takeOver(Connection c, String keyName, String idempotencyKey, String fingerprint,
            String oldClaim, String token, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update idempotency_key set claim = ?, claimed_at = ?,"
                + " fingerprint = ? where key_name = ? and idem_key = ? and claim = ? and state = 'in_flight'")) {
            ps.setString(1, token);
            ps.setObject(2, at(now));
            ps.setString(3, fingerprint);
            ps.setString(4, keyName);
            ps.setString(5, idempotencyKey);
            ps.setString(6, oldClaim);
            return ps.executeUpdate() == 1;
        }
    }

    /** Stores the response of a claimed request for replay; a claim taken over meanwhile stores nothing. */
    public void complete(String keyName, String idempotencyKey, String token, int status, String contentType,
            String body) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("update idempotency_key set state = 'completed',"
                        + " status_code = ?, content_type = ?, sealed_body = ? where key_name = ? and idem_key = ?"
                        + " and claim = ? and state = 'in_flight'")) {
            ps.setInt(1, status);
            ps.setString(2, contentType);
            ps.setBytes(3, sealingKey.seal(body == null ? "" : body, boundTo(keyName, idempotencyKey)));
            ps.setString(4, keyName);
            ps.setString(5, idempotencyKey);
            ps.setString(6, token);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("idempotent response could not be stored", e);
        }
    }

    /** Gives the key back (the request failed in a way a retry may fix). */
    public void release(String keyName, String idempotencyKey, String token) {
        try (Connection c = dataSource.getConnection()) {
            delete(c, keyName, idempotencyKey, token);
        } catch (SQLException e) {
            throw new IllegalStateException("idempotency key could not be released", e);
        }
    }

    /**
     * Forgets every stored response of an API key name: called when the key is revoked, so that a new key created
     * later under the same name can never replay the old key's answers.
     */
    public int forget(String keyName) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from idempotency_key where key_name = ?")) {
            ps.setString(1, keyName);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("idempotency keys could not be forgotten", e);
        }
    }

    /** Deletes every expired row; returns how many. */
    public int purgeExpired() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from idempotency_key where expires_at <= ?")) {
            ps.setObject(1, at(clock.instant()));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("expired idempotency keys could not be purged", e);
        }
    }

    private static void delete(Connection c, String keyName, String idempotencyKey, String claim) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from idempotency_key where key_name = ? and idem_key = ?"
                + " and claim = ?")) {
            ps.setString(1, keyName);
            ps.setString(2, idempotencyKey);
            ps.setString(3, claim);
            ps.executeUpdate();
        }
    }

    private static String boundTo(String keyName, String idempotencyKey) {
        return "idempotency/" + keyName + "/" + idempotencyKey;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
