package io.lethe.connectors;

import java.util.List;

/**
 * The Java side of a connector: turns a batch of commands into the vendor's calls and the vendor's answers into one
 * outcome per command. Whole-call failures are thrown as {@link VendorException}; per-person results are returned.
 */
public interface VendorAdapter {

    /** Opts each target out of the purposes of its command; one outcome per target, any order. */
    List<TargetOutcome> optOut(Connector connector, List<Target> targets);

    /**
     * Pushes a grant, only for connectors whose descriptor says {@code pushOptIns: true}. Adapters that cannot do it
     * safely (it usually needs the vendor's own double opt-in) refuse each target.
     */
    default boolean canPushOptIns() {
        return false;
    }

    default List<TargetOutcome> optIn(Connector connector, List<Target> targets) {
        return targets.stream().map(t -> TargetOutcome.rejected(t.commandId(), 0,
                "this connector does not push opt-ins")).toList();
    }

    /**
     * Erases each target with the vendor's real erasure call, then reads back: {@code verified} when the vendor no
     * longer returns the person, {@code completed} when it cannot be read back, {@code not_found} when it never held
     * them, {@code still_present} when it still returns them after the call.
     */
    default List<TargetOutcome> erase(Connector connector, List<Target> targets) {
        return targets.stream().map(t -> TargetOutcome.rejected(t.commandId(), 0,
                "this connector cannot erase through an API")).toList();
    }

    /**
     * Reads what the vendor holds about each target (GDPR Art. 15): outcome {@code completed} with the records as a
     * JSON array in {@code data}, or {@code not_found}.
     */
    default List<TargetOutcome> export(Connector connector, List<Target> targets) {
        return targets.stream().map(t -> TargetOutcome.rejected(t.commandId(), 0,
                "this connector cannot export through an API")).toList();
    }

    /**
     * Rectification (Art. 16): pushes the corrected fields ({@code email}, {@code firstName}, {@code lastName},
     * {@code phone}, in {@link Target#changes()}) to the person's records: {@code completed}, or {@code not_found}.
     */
    default List<TargetOutcome> rectify(Connector connector, List<Target> targets) {
        return targets.stream().map(t -> TargetOutcome.rejected(t.commandId(), 0,
                "this connector cannot rectify through an API")).toList();
    }

    /**
     * Reads the vendor's whole contact list (or what changed since {@code since}, where the vendor keeps change
     * times), page by page: each page goes to {@code page} before the next is fetched, so memory holds one page.
     */
    default void pull(Connector connector, java.time.Instant since, java.util.function.Consumer<List<VendorContact>> page) {
        throw new UnsupportedOperationException(connector.id() + " cannot be read through an API");
    }

    /**
     * One person in a batch: the command, the e-mail addresses the register holds for the subject, and for a
     * rectification the corrected fields (personal data: never logged).
     */
    record Target(long commandId, String subjectId, String purpose, List<String> emails,
            java.util.Map<String, String> changes, String requestId) {

        public Target(long commandId, String subjectId, String purpose, List<String> emails) {
            this(commandId, subjectId, purpose, emails, java.util.Map.of(), null);
        }
    }

    /**
     * What the vendor said about one target. {@code outcome}: {@code delivered}, {@code not_found} (the vendor does
     * not hold the person: nothing to opt out), or {@code rejected} (refused for this person: needs a human);
     * {@code submitted} with a {@code jobId}: the vendor's asynchronous job will say (see {@code VendorJobs}).
     */
    record TargetOutcome(long commandId, String outcome, Integer httpStatus, String detail, String data, String jobId) {

        public TargetOutcome(long commandId, String outcome, Integer httpStatus, String detail, String data) {
            this(commandId, outcome, httpStatus, detail, data, null);
        }

        public TargetOutcome(long commandId, String outcome, Integer httpStatus, String detail) {
            this(commandId, outcome, httpStatus, detail, null, null);
        }

        /** Accepted as the vendor's asynchronous job {@code jobId}: the command stays open until the job ends. */
        public static TargetOutcome submitted(long id, int status, String detail, String jobId) {
            return new TargetOutcome(id, "submitted", status, detail, null, jobId);
        }

        /** An access export: personal data in {@code data}, which is sealed and never logged. */
        public static TargetOutcome exported(long id, int status, String detail, String data) {
            return new TargetOutcome(id, "completed", status, detail, data);
        }

        public static TargetOutcome delivered(long id, int status, String detail) {
            return new TargetOutcome(id, "delivered", status, detail);
        }

        public static TargetOutcome notFound(long id, int status, String detail) {
            return new TargetOutcome(id, "not_found", status, detail);
        }

        public static TargetOutcome of(long id, String outcome, int status, String detail) {
            return new TargetOutcome(id, outcome, status, detail);
        }

        public static TargetOutcome rejected(long id, int status, String detail) {
            return new TargetOutcome(id, "rejected", status, detail);
        }
    }
}
