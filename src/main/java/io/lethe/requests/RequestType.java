package io.lethe.requests;

import java.util.Locale;
import java.util.Optional;

/** The rights a data-subject request exercises (GDPR Art. 15-21). */
public enum RequestType {
    ERASURE, ACCESS, RECTIFICATION, RESTRICTION, OBJECTION;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether an intake-filed request must first be confirmed by the person (a wrong erasure or export is harm). */
    public boolean needsIdentityCheck() {
        return this == ERASURE || this == ACCESS || this == RECTIFICATION;
    }

    public static Optional<RequestType> ofWire(String value) {
        for (RequestType t : values()) {
            if (t.wire().equals(value)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
