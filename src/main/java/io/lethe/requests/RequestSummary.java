package io.lethe.requests;

import java.time.Instant;

/** One line of the request list: no vendor parts, no personal data. */
public record RequestSummary(String id, RequestType type, Regulation regulation, RequestStatus status,
        Instant receivedAt, Instant dueAt, boolean extended, Instant updatedAt) {

    /** The deadline still runs for it (see {@link RequestQuery#OPEN_FOR_DEADLINE}). */
    public boolean deadlineRuns() {
        return status.isOpen() || status == RequestStatus.ACTION_REQUIRED;
    }
}
