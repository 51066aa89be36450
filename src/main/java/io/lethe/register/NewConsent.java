package io.lethe.register;

import java.time.Instant;
import java.util.Map;

/** A validated consent event on its way into the register; identities are already in normal form. */
public record NewConsent(Map<IdentityKind, String> identities, String purpose, ConsentStatus status,
        String lawfulBasis, String source, Instant capturedAt, Evidence evidence) {

    public NewConsent {
        identities = Map.copyOf(identities);
        if (identities.isEmpty()) {
            throw new IllegalArgumentException("a consent event needs at least one identity");
        }
    }

    /** The same capture for another purpose and status (Global Privacy Control adds one). */
    public NewConsent withPurpose(String otherPurpose, ConsentStatus otherStatus) {
        return new NewConsent(identities, otherPurpose, otherStatus, lawfulBasis, source, capturedAt, evidence);
    }
}
