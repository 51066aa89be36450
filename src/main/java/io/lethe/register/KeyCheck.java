package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Refuses a register opened with another lookup-hash key than the one it was built with. Without this check a lost
 * {@code lookup.key} (after a rotation) would not fail: every identity would silently stop being found, and known
 * people would come back as new subjects.
 */
public final class KeyCheck {

    static final String LOOKUP = "lookup-hash";

    private KeyCheck() {
    }

    /** Records the check value on first use; afterwards it must match. */
    public static void verifyOrRecord(DataSource dataSource, KeyRing keys) {
        try (Connection c = dataSource.getConnection()) {
            String stored = null;
            try (PreparedStatement ps = c.prepareStatement("select check_value from register_key_check where name = ?")) {
                ps.setString(1, LOOKUP);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        stored = rs.getString(1);
                    }
                }
            }
            if (stored == null) {
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into register_key_check (name, check_value) values (?, ?)")) {
                    ps.setString(1, LOOKUP);
                    ps.setString(2, keys.lookupCheck());
                    ps.executeUpdate();
                }
            } else if (!stored.equals(keys.lookupCheck())) {
                throw new IllegalStateException("The register was built with another lookup-hash key: after a master"
                        + " key rotation set LETHE_LOOKUP_KEY (or keep <data dir>/lookup.key) as `lethe keys rotate`"
                        + " wrote it, and use the encryption key of this register.");
            }
        } catch (SQLException e) {
            throw new RegisterException("checking the register's keys failed", e);
        }
    }
}
