package io.lethe.cli;

import java.util.Map;
import java.util.Properties;

import io.lethe.Main;
import io.lethe.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The hub's own settings for the offline commands ({@code keys rotate}, {@code audit verify}): the same properties
 * file and the same environment variables as {@code serve}, plus {@code -D key=value} overrides, so a command run
 * next to the hub works on the hub's register and keys.
 */
final class CliSettings {

    private CliSettings() {
    }

    static Settings load(Map<String, String> overrides) {
        CamelContext context = new DefaultCamelContext();
        PropertiesComponent properties = context.getPropertiesComponent();
        properties.setLocation(Main.PROPERTY_LOCATIONS);
        properties.setIgnoreMissingLocation(true);
        Properties override = new Properties();
        override.putAll(overrides);
        properties.setOverrideProperties(override);
        return new Settings(properties);
    }
}
