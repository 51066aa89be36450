package io.lethe.audit;

import java.time.Instant;

/**
 * One vendor interaction for one subject, as compliance reviews it. Holds ids, codes and counts only: never an
 * e-mail address, a name or a vendor response body.
 */
public record SyncEntry(long seq, Instant at, String vendor, String subjectId, String requestId, String action,
        String outcome, Integer httpStatus, Integer attempt, String detail, String hash, String prevHash) {

    /** An entry before it is chained: seq, hashes and time are assigned by {@link SyncLog#append}. */
    public static SyncEntry of(String vendor, String subjectId, String requestId, String action, String outcome,
            Integer httpStatus, Integer attempt, String detail) {
        return new SyncEntry(0, null, vendor, subjectId, requestId, action, outcome, httpStatus, attempt,
                detail == null ? null : truncate(detail), null, null);
    }

    private static String truncate(String detail) {
        return detail.length() <= 256 ? detail : detail.substring(0, 253) + "...";
    }
}
