package io.lethe.dispatch;

import java.util.Arrays;

/** Where an outbox command stands; the lower-case wire form is what the database and the API hold. */
public enum CommandStatus {
    /** Waiting for its batch (or for its next attempt after a failure). */
    PENDING,
    /** Claimed by a dispatch route, under a lease. */
    IN_FLIGHT,
    /** The vendor did it (or had nothing to do). */
    DONE,
    /** Nothing to send (no e-mail identity, request cancelled). */
    SKIPPED,
    /** A refusal no retry can fix: waits for a person. */
    ACTION_REQUIRED,
    /** An in-house receiver answered 202: its results come to POST /api/v1/callbacks/{connectorId}. */
    AWAITING_CALLBACK;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Finished: dispatch will not touch the command again. */
    public boolean finished() {
        return this == DONE || this == SKIPPED || this == ACTION_REQUIRED;
    }

    public static CommandStatus ofWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown command status " + wire));
    }
}
