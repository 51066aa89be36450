package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The {@code source} of a consent event. A caller's free text may hold personal data (an address typed into a
 * form name), so it is sealed with the subject's data key and is gone once the subject is crypto-shredded. The
 * sources the hub writes itself ({@code api:<key name>}, {@code request:<id>}, {@code vendor:<connector>}, ...) name
 * only the hub's own objects and stay readable, so an erasure's withdrawals still show which request caused them.
 */
final class SealedSources {

    private SealedSources() {
    }

    static byte[] seal(KeyRing.SubjectKey key, String eventId, String source) {
        return key.seal(source, boundTo(eventId));
    }

    /**
     * The source as the API shows it: the hub's own, or the caller's opened; the clear text of a row from before
     * sources were sealed; null once the subject is erased.
     */
    static String open(Optional<KeyRing.SubjectKey> key, String eventId, String sourceRef, byte[] sealed, String legacy) {
        if (sourceRef != null) {
            return sourceRef;
        }
        if (sealed != null) {
            return key.map(k -> k.open(sealed, boundTo(eventId))).orElse(null);
        }
        return legacy;
    }

    /** Crypto-shred, in the caller's transaction: blanks every copy the subject's destroyed key no longer covers. */
    static void blank(Connection c, String subjectId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update consent_event set source = null where subject_id = ? and source is not null")) {
            ps.setString(1, subjectId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("update consent_state set sealed_source = null where subject_id = ?")) {
            ps.setString(1, subjectId);
            ps.executeUpdate();
        }
    }

    /** Bound to the event, and apart from its evidence (sealed under the bare event id), so neither opens as the other. */
    private static String boundTo(String eventId) {
        return eventId + "/source";
    }
}
