package io.lethe.audit;

import java.time.Instant;

/** Filters of {@code GET /api/v1/sync-log}; null means "any". */
public record SyncQuery(String vendor, String subjectId, String requestId, Instant from, Instant to, long after, int limit) {
}
