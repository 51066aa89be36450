package io.lethe.requests;

import java.util.Arrays;
import java.util.Locale;

/** Where a data-subject request stands; the lower-case wire form is what the database and the API hold. */
public enum RequestStatus {
    /** Waiting for the person to open the single-use link(s). */
    IDENTITY_UNVERIFIED,
    /** Confirmed, nothing sent yet (or nothing to send). */
    PENDING,
    /** Commands out at the vendors. */
    IN_PROGRESS,
    COMPLETED,
    FAILED,
    /** Waits for a person (a vendor refused, an identity link bounced, a corrected value is taken). */
    ACTION_REQUIRED,
    CANCELLED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Still running: it can be extended or cancelled. */
    public boolean isOpen() {
        return this == IDENTITY_UNVERIFIED || this == PENDING || this == IN_PROGRESS;
    }

    public static RequestStatus ofWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown request status " + wire));
    }

    @Override
    public String toString() { // "request is completed" in messages
        return wire();
    }
}
