package io.lethe.api;

import java.util.Locale;
import java.util.Optional;

/** The four API roles of the contract. */
public enum Role {
    ADMIN, INTAKE, MARKETER, COMPLIANCE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> ofWire(String value) {
        for (Role role : values()) {
            if (role.wire().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
