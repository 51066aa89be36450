package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import io.lethe.db.Transactions;

/**
 * The one way a further identity joins an existing subject: an explicit admin action, audited in
 * {@code identity_link_audit} (subject, kind, keyed lookup hash, key name, time; never the value). Consent events and
 * data-subject requests never link identities on the side.
 */
public final class IdentityLinks {

    /** What became of a link. */
    public enum Outcome {
        LINKED, ALREADY_LINKED, BELONGS_TO_ANOTHER_SUBJECT, NO_SUCH_SUBJECT
    }

    private final DataSource dataSource;
    private final KeyRing keys;
    private final ConsentRegister register;
    private final Clock clock;

    public IdentityLinks(DataSource dataSource, KeyRing keys, ConsentRegister register, Clock clock) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.register = register;
        this.clock = clock;
    }

    public Outcome link(String subjectId, IdentityKind kind, String normalisedValue, String linkedBy) {
        String hash = keys.lookupHash(kind, normalisedValue);
        try {
            return Transactions.inTransaction(dataSource, c -> {
                if (!lockLiveSubject(c, subjectId)) {
                    return Outcome.NO_SUCH_SUBJECT;
                }
                String owner = owner(c, hash);
                if (owner != null) {
                    return owner.equals(subjectId) ? Outcome.ALREADY_LINKED : Outcome.BELONGS_TO_ANOTHER_SUBJECT;
                }
                try (PreparedStatement ps = c.prepareStatement("insert into subject_identity (lookup_hash, subject_id,"
                        + " kind, sealed_value) values (?, ?, ?, ?)")) {
                    ps.setString(1, hash);
                    ps.setString(2, subjectId);
                    ps.setString(3, kind.name());
                    ps.setBytes(4, register.sealFor(subjectId, normalisedValue, subjectId + "/" + kind));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("insert into identity_link_audit (subject_id, kind,"
                        + " lookup_hash, linked_by, linked_at) values (?, ?, ?, ?, ?)")) {
                    ps.setString(1, subjectId);
                    ps.setString(2, kind.name());
                    ps.setString(3, hash);
                    ps.setString(4, linkedBy);
                    ps.setObject(5, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
                    ps.executeUpdate();
                }
                return Outcome.LINKED;
            });
        } catch (SQLException e) {
            if (ConsentRegister.isUniqueViolation(e)) {
                return Outcome.BELONGS_TO_ANOTHER_SUBJECT; // a concurrent writer took the value first
            }
            throw new RegisterException("linking an identity failed", e);
        }
    }

    /** Whether the subject exists and is not erased; its row stays locked until the transaction ends. */
    private static boolean lockLiveSubject(Connection c, String subjectId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select data_key from subject where id = ? for update")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBytes(1) != null;
            }
        }
    }

    private static String owner(Connection c, String hash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select subject_id from subject_identity where lookup_hash = ?")) {
            ps.setString(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
