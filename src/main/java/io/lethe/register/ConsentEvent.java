package io.lethe.register;

import java.time.Instant;

/**
 * One stored consent event as history shows it. {@code evidence} is null when none was given, and
 * {@code evidenceErased} tells that there was some but the subject's key has been destroyed.
 */
public record ConsentEvent(String eventId, String purpose, ConsentStatus status, String lawfulBasis, String source,
        Instant capturedAt, Instant recordedAt, Evidence evidence, boolean evidenceErased) {
}
