package io.lethe.api;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.lethe.register.RegisterException;

/** The {@code api_key} table: keys created through the API, stored as SHA-256 hashes. */
public final class ApiKeyStore {

    private final DataSource dataSource;

    public ApiKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One stored key. */
    public record StoredKey(String name, Role role, String hashHex, Instant createdAt, Instant lastUsedAt) {
    }

    List<StoredKey> all() throws SQLException {
        List<StoredKey> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select name, role, key_hash, created_at, last_used_at from api_key order by name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                OffsetDateTime used = rs.getObject(5, OffsetDateTime.class);
                keys.add(new StoredKey(rs.getString(1), Role.ofWire(rs.getString(2)).orElseThrow(), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), used == null ? null : used.toInstant()));
            }
        }
        return keys;
    }

    /** False when the name or the hash is taken. */
    boolean insert(String name, Role role, String hashHex, Instant createdAt, String createdBy) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("insert into api_key"
                + " (name, role, key_hash, created_at, created_by) values (?, ?, ?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, role.wire());
            ps.setString(3, hashHex);
            ps.setObject(4, createdAt.atOffset(ZoneOffset.UTC));
            ps.setString(5, createdBy);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            throw new RegisterException("storing the API key failed", e);
        }
    }

    /** Deletes a stored key unless it is the last admin key anywhere ({@code otherAdmins} outside the table). */
    RevokeOutcome delete(String name, int otherAdmins) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // Lock every admin row: two admins revoking each other at once cannot leave none.
                int storedAdmins = 0;
                Role role = null;
                try (PreparedStatement ps = c.prepareStatement(
                        "select name, role from api_key where role = 'admin' or name = ? for update")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getString(2).equals("admin")) {
                                storedAdmins++;
                            }
                            if (rs.getString(1).equals(name)) {
                                role = Role.ofWire(rs.getString(2)).orElseThrow();
                            }
                        }
                    }
                }
                if (role == null) {
                    c.rollback();
                    return RevokeOutcome.NOT_FOUND;
                }
                if (role == Role.ADMIN && storedAdmins - 1 + otherAdmins < 1) {
                    c.rollback();
                    return RevokeOutcome.LAST_ADMIN;
                }
                try (PreparedStatement ps = c.prepareStatement("delete from api_key where name = ?")) {
                    ps.setString(1, name);
                    ps.executeUpdate();
                }
                c.commit();
                return RevokeOutcome.REVOKED;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new RegisterException("revoking the API key failed", e);
        }
    }

    int countAdmins() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select count(*) from api_key where role = 'admin'"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    void touch(String name, Instant usedAt) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update api_key set last_used_at = ? where name = ?")) {
            ps.setObject(1, usedAt.atOffset(ZoneOffset.UTC));
            ps.setString(2, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RegisterException("recording the key's last use failed", e);
        }
    }

    /** What a revocation did. */
    enum RevokeOutcome {
        REVOKED, NOT_FOUND, LAST_ADMIN
    }
}
