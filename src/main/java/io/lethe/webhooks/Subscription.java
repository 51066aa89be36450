package io.lethe.webhooks;

import java.time.Instant;
import java.util.List;

/** A webhook subscription as stored (never its secret). */
public record Subscription(String id, String url, List<String> types, boolean includeIdentities, Instant createdAt,
        String createdBy, long fromSeq, Instant alertedAt, Instant deletedAt) {

    public boolean active() {
        return deletedAt == null;
    }
}
