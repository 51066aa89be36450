package io.lethe.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of recomputing the sync log: {@code {"valid":true,"entries":N}} or {@code {"valid":false,
 * "firstBrokenSeq":K,"reason":…}}, plus the checkpoint it was compared with.
 */
public record Verdict(boolean valid, long entries, Long firstBrokenSeq, Reason reason, String vendor,
        Map<String, Checkpoint.VendorHead> heads, Checkpoint checkpoint) {

    /** Why a log is not valid. */
    public enum Reason {
        /** An entry was edited, removed or inserted: its hash or link does not recompute. */
        BROKEN_CHAIN,
        /** The chain is intact but shorter than a checkpoint says: its newest entries were removed. */
        TRUNCATED,
        /** The checkpointed head entry exists but holds something else. */
        CHECKPOINT_MISMATCH,
        /** The checkpoint is not signed by this hub's checkpoint key. */
        CHECKPOINT_NOT_GENUINE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    Verdict failing(Long seq, Reason why, String atVendor) {
        return new Verdict(false, entries, seq, why, atVendor, heads, checkpoint);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("valid", valid);
        m.put("entries", entries);
        if (!valid) {
            if (firstBrokenSeq != null) {
                m.put("firstBrokenSeq", firstBrokenSeq);
            }
            m.put("reason", reason.wire());
            if (vendor != null) {
                m.put("vendor", vendor);
            }
        }
        if (checkpoint != null) {
            Map<String, Object> cp = new LinkedHashMap<>();
            cp.put("issuedAt", checkpoint.issuedAt().toString());
            cp.put("entries", checkpoint.entries());
            m.put("checkpoint", cp);
        } else {
            m.put("checkpoint", null);
        }
        return m;
    }
}
