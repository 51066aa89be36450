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

    /** Every field as the API, exports and evidence bundles show the entry (the contract's sync-log entry). */
    public java.util.Map<String, Object> toDocument() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("seq", seq);
        m.put("at", at.toString());
        m.put("vendor", vendor);
        m.put("subjectId", subjectId);
        m.put("requestId", requestId);
        m.put("action", action);
        m.put("outcome", outcome);
        m.put("httpStatus", httpStatus);
        m.put("attempt", attempt);
        m.put("detail", detail);
        m.put("hash", hash);
        m.put("prevHash", prevHash);
        return m;
    }
}
