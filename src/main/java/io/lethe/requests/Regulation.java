package io.lethe.requests;

import java.util.Locale;
import java.util.Optional;

/** The law a data-subject request is filed under; it sets the deadlines. */
public enum Regulation {
    GDPR, CCPA;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Regulation> ofWire(String value) {
        for (Regulation r : values()) {
            if (r.wire().equals(value)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
