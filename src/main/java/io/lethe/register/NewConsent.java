package io.lethe.register;

import java.time.Instant;
import java.util.Map;

/**
 * A validated consent event on its way into the register; identities are already in normal form.
 * {@code sourceFromCaller}: the source is the caller's free text (sealed, as it may hold personal data), not one the
 * hub made up such as {@code api:<key name>} (kept readable).
 */
public record NewConsent(Map<IdentityKind, String> identities, String purpose, ConsentStatus status,
        String lawfulBasis, String source, Instant capturedAt, Evidence evidence, boolean sourceFromCaller) {

    /** A source given by a caller. */
    public NewConsent(Map<IdentityKind, String> identities, String purpose, ConsentStatus status,
            String lawfulBasis, String source, Instant capturedAt, Evidence evidence) {
        this(identities, purpose, status, lawfulBasis, source, capturedAt, evidence, true);
    }

    public NewConsent {
        identities = Map.copyOf(identities);
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("a consent event needs at least one identity");
        }
    }

    /** The same capture for another purpose and status (Global Privacy Control adds one). */
    public NewConsent withPurpose(String otherPurpose, ConsentStatus otherStatus) {
        return new NewConsent(identities, otherPurpose, otherStatus, lawfulBasis, source, capturedAt, evidence,
                sourceFromCaller);
    }
}
