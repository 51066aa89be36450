package io.lethe.register;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The ways a person is identified across vendors, each with its own normal form and validity rule. */
public enum IdentityKind {

    EMAIL("email") {
        // Deliberately plain: one @, a dot-separated domain, no spaces or control characters.
        private final Pattern shape = Pattern.compile(
                "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                        + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

        @Override
        public Optional<String> normalise(String raw) {
            String value = raw.strip().toLowerCase(Locale.ROOT);
            return value.length() <= 254 && shape.matcher(value).matches() ? Optional.of(value) : Optional.empty();
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
