package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The end of an erasure in the register: the subject's key destroyed, its identities kept only as keyed hashes. */
final class SubjectShredder {

    private final Clock clock;

    SubjectShredder(Clock clock) {
        this.clock = clock;
    }

    /**
     * Crypto-shreds a subject within the caller's transaction: its data key is destroyed (so its sealed identities
     * and consent evidence can never be opened again), its identities are removed, and their keyed lookup hashes go
     * to the suppression register with the request that erased them. Consent history keeps only ids, purposes,
     * dates and the hub's own sources: callers' free-text sources go with the key (see {@link SealedSources}).
     */
    int shred(Connection c, String subjectId, String requestId) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int identities;
        try (PreparedStatement ps = c.prepareStatement("insert into suppression (lookup_hash, kind, request_id, erased_at)"
                + " select lookup_hash, kind, ?, ? from subject_identity i where subject_id = ? and not exists"
                + " (select 1 from suppression s where s.lookup_hash = i.lookup_hash)")) {
            ps.setString(1, requestId);
            ps.setObject(2, now);
            ps.setString(3, subjectId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("delete from subject_identity where subject_id = ?")) {
            ps.setString(1, subjectId);
            identities = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("update subject set data_key = null where id = ?")) {
            ps.setString(1, subjectId);
            ps.executeUpdate();
        }
        SealedSources.blank(c, subjectId);
        return identities;
    }
}
