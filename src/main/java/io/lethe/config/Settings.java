package io.lethe.config;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Reads the hub's settings through Camel's properties component, so each key can be overridden by the environment
 * variable named after it ({@code lethe.db.url} ← {@code LETHE_DB_URL}). Errors name the variable an operator sets.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    public String get(String key) {
        return properties.resolveProperty(key).filter(v -> !v.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("Setting " + key + " (" + envName(key) + ") is required"));
    }

    /** Empty string when unset. */
    public String optional(String key) {
        return properties.resolveProperty(key).orElse("");
    }

    public int getInt(String key) {
        String value = get(key);
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Setting " + key + " (" + envName(key) + ") must be a whole number");
        }
    }

    public java.time.Duration millis(String key) {
        return java.time.Duration.ofMillis(getInt(key));
    }

    /**
     * A duration written as ISO-8601 ({@code PT1H}) or as a number with a unit: {@code 90s}, {@code 30m}, {@code 1h},
     * {@code 2d}.
     */
    public java.time.Duration duration(String key) {
        String value = get(key).strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*([smhd])").matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> java.time.Duration.ofSeconds(n);
                case "m" -> java.time.Duration.ofMinutes(n);
                case "h" -> java.time.Duration.ofHours(n);
                default -> java.time.Duration.ofDays(n);
            };
        }
        try {
            return java.time.Duration.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(envName(key) + " must be a duration such as 1h, 30m, 90s or PT1H");
        }
    }

    public static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
