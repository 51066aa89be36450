package io.lethe.register;

import java.util.Locale;
import java.util.Optional;

/** What a person said about one purpose. */
public enum ConsentStatus {
    GRANTED, DENIED, WITHDRAWN;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ConsentStatus> ofWire(String value) {
        for (ConsentStatus status : values()) {
            if (status.wire().equals(value)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
