package io.lethe.audit;

import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tail truncation is caught only against a checkpoint that was issued before it, so nobody should have to remember
 * to issue one: a timer route calls {@link #run()}, which verifies the whole log against the latest checkpoint and
 * signs a new one. A log that does not verify gets no checkpoint over it, and the DPO is told once per distinct
 * break (the same break is not re-reported every run).
 */
public final class AuditWatch {

    private static final Logger LOG = LoggerFactory.getLogger(AuditWatch.class);

    private final AuditChain chain;
    private final BiConsumer<String, String> alert;
    private volatile String lastReported;

    /** {@code alert} gets a subject and a text, both free of personal data (the DPO's mail). */
    public AuditWatch(AuditChain chain, BiConsumer<String, String> alert) {
        this.chain = chain;
        this.alert = alert;
    }

    public void run() {
        Verdict verdict = chain.verify();
        if (verdict.valid()) {
            chain.issue();
            lastReported = null;
            return;
        }
        String what = verdict.reason().wire() + (verdict.vendor() == null ? "" : " in the " + verdict.vendor() + " chain")
                + (verdict.firstBrokenSeq() == null ? "" : " at seq " + verdict.firstBrokenSeq());
        LOG.error("The sync log does not verify: {}; no checkpoint is issued until it is investigated", what);
        if (!what.equals(lastReported)) {
            lastReported = what;
            alert.accept("[Lethe] the sync log does not verify", "The hub's periodic check found the sync log altered: "
                    + what + ".\n\nEntries may have been changed or removed in the database. GET /api/v1/audit/verify"
                    + " shows the verdict; compare with the checkpoints exported earlier (lethe audit verify"
                    + " --checkpoint FILE). No new checkpoint is signed over a log that does not verify.\n");
        }
    }
}
