package io.lethe.connectors.engine;

import java.util.List;

import io.lethe.connectors.TargetOutcome;
import io.lethe.connectors.VendorException;

/**
 * A call failed after its in-place retries: {@code done} holds the outcomes of the targets whose calls all finished
 * before it (they are recorded, never repeated); the others wait for the next attempt as {@code cause} says.
 */
public final class OperationFailed extends RuntimeException {

    private final transient List<TargetOutcome> done;
    private final VendorException cause;

    public OperationFailed(List<TargetOutcome> done, VendorException cause) {
        super(cause.getMessage(), cause, false, false);
        this.done = List.copyOf(done);
        this.cause = cause;
    }

    public List<TargetOutcome> done() {
        return done;
    }

    public VendorException cause() {
        return cause;
    }
}
