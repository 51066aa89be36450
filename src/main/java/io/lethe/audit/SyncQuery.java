package io.lethe.audit;

import java.time.Instant;

/** Filters of the sync log ({@code GET /api/v1/sync-log}, the console's sync log page); null means "any". */
public record SyncQuery(String vendor, String subjectId, String requestId, String action, String outcome, Instant from,
        Instant to, long after, int limit) {

    /** The API's filters (it has no action or outcome filter). */
    public SyncQuery(String vendor, String subjectId, String requestId, Instant from, Instant to, long after, int limit) {
        this(vendor, subjectId, requestId, null, null, from, to, after, limit);
    }

    /** The same filters, the page after {@code seq}. */
    public SyncQuery after(long seq) {
        return new SyncQuery(vendor, subjectId, requestId, action, outcome, from, to, seq, limit);
    }
}
