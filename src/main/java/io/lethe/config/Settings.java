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

    public static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
