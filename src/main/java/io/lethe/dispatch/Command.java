package io.lethe.dispatch;

/** A claimed outbox command: what to do for whom at which vendor, and how many times it has been tried. */
public record Command(long id, String connector, String subjectId, String action, String purpose, String eventId,
        String requestId, int attempts) {
}
