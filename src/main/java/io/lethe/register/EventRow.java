package io.lethe.register;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One consent event on its way into {@code consent_event}, its personal parts already sealed: a caller's free-text
 * source in {@code sealedSource}, or the hub's own source in {@code sourceRef} (see {@link SealedSources}).
 */
record EventRow(String eventId, String subjectId, String purpose, ConsentStatus status, String lawfulBasis,
        String sourceRef, byte[] sealedSource, Instant capturedAt, Instant recordedAt, byte[] sealedEvidence) {

    public EventRow {
        // The databases keep microseconds: compare in Java exactly what they will compare.
        capturedAt = capturedAt.truncatedTo(ChronoUnit.MICROS);
        recordedAt = recordedAt.truncatedTo(ChronoUnit.MICROS);
    }

    /** The event for a consent a caller sent, sealing what may be personal with the subject's key. */
    static EventRow of(String eventId, String subjectId, NewConsent consent, Instant recordedAt,
            KeyRing.SubjectKey key, byte[] sealedEvidence) {
        boolean seal = consent.sourceFromCaller();
        return new EventRow(eventId, subjectId, consent.purpose(), consent.status(), consent.lawfulBasis(),
                seal ? null : consent.source(), seal ? SealedSources.seal(key, eventId, consent.source()) : null,
                consent.capturedAt(), recordedAt, sealedEvidence);
    }

    /**
     * When the event takes effect: its capture, but never later than when the register recorded it. A capture dated
     * ahead (clock skew is tolerated) must not outrank a decision recorded after it.
     */
    Instant effectiveAt() {
        return capturedAt.isAfter(recordedAt) ? recordedAt : capturedAt;
    }
}
