package io.lethe.connectors;

/**
 * What a vendor said about one target. {@code outcome} is one of connectors/README.md's outcomes; {@code data} holds an
 * access export (personal data: sealed, never logged); {@code jobId} names the vendor's asynchronous job when
 * {@code submitted}.
 */
public record TargetOutcome(long commandId, String outcome, Integer httpStatus, String detail, String data,
        String jobId) {

    public TargetOutcome(long commandId, String outcome, Integer httpStatus, String detail) {
        this(commandId, outcome, httpStatus, detail, null, null);
    }

    public static TargetOutcome exported(long id, int status, String detail, String data) {
        return new TargetOutcome(id, "completed", status, detail, data, null);
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

    public static TargetOutcome submitted(long id, int status, String detail, String jobId) {
        return new TargetOutcome(id, "submitted", status, detail, null, jobId);
    }
}
