package io.lethe.register;

import java.util.Optional;
import java.util.regex.Pattern;

/** The ways a person is identified across vendors, each with its own normal form and validity rule. */
public enum IdentityKind {

    EMAIL("email") {
        @Override
        public Optional<String> normalise(String raw) {
            return EmailAddress.normalise(raw);
        }
    },

    EXTERNAL_ID("externalId") {
        private final Pattern shape = Pattern.compile("^[\\p{Graph}]{1,200}$");

        @Override
        public Optional<String> normalise(String raw) {
            return shape.matcher(raw).matches() ? Optional.of(raw) : Optional.empty();
        }
    },

    PHONE("phone") {
        private final Pattern e164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");

        @Override
        public Optional<String> normalise(String raw) {
            String value = raw.replaceAll("[\\s().-]", "");
            return e164.matcher(value).matches() ? Optional.of(value) : Optional.empty();
        }
    };

    private final String field;

    IdentityKind(String field) {
        this.field = field;
    }

    /** The JSON field that carries this identity in a {@code subject} object. */
    public String field() {
        return field;
    }

    /** The value in the normal form that lookup hashes are taken of, or empty when it is not a valid value. */
    public abstract Optional<String> normalise(String raw);

    public static Optional<IdentityKind> ofField(String field) {
        for (IdentityKind kind : values()) {
            if (kind.field.equals(field)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
