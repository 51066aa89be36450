package io.lethe.requests;

import java.time.Instant;
import java.util.List;

/** A stored data-subject request with its per-vendor progress. */
public record DataSubjectRequest(String id, RequestType type, Regulation regulation, String subjectId, RequestStatus status,
        Instant receivedAt, Instant dueAt, Instant extendedAt, String extensionReason, List<String> purposes,
        List<VendorProgress> vendors) {

    public boolean isOpen() {
        return status.isOpen();
    }

    /** One vendor's part of the request. */
    public record VendorProgress(String vendor, String status, Instant updatedAt, String detail) {
    }
}
