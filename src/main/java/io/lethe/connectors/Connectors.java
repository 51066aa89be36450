package io.lethe.connectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The connectors this hub knows (every valid descriptor) and the ones it runs ({@code LETHE_CONNECTORS}), with their
 * settings read from {@code lethe.<id>.<parameter>} / {@code LETHE_<ID>_<PARAMETER>}.
 */
public final class Connectors {

    private final List<ConnectorDescriptor> known;
    private final Map<String, Connector> enabled;

    private Connectors(List<ConnectorDescriptor> known, Map<String, Connector> enabled) {
        this.known = List.copyOf(known);
        this.enabled = enabled;
    }

    /**
     * Validates every descriptor and every enabled connector's settings; refuses with every problem at once.
     *
     * @param setting looks up a property key, "" when unset
     */
    public static Connectors load(Path folder, String enabledList, DescriptorValidator validator,
            Function<String, String> setting) {
        List<ConnectorDescriptor> known = validator.loadAll(folder);
        Map<String, ConnectorDescriptor> byId = new LinkedHashMap<>();
        known.forEach(d -> byId.put(d.id(), d));
        List<String> problems = new ArrayList<>();
        Map<String, Connector> enabled = new LinkedHashMap<>();
        for (String id : Arrays.stream(enabledList == null ? new String[0] : enabledList.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).distinct().toList()) {
            ConnectorDescriptor d = byId.get(id);
            if (d == null) {
                problems.add("LETHE_CONNECTORS names '" + id + "', but " + folder.resolve(id + ".yaml") + " does not exist");
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (ConnectorDescriptor.Parameter p : d.parameters().values()) {
                String value = setting.apply(propertyKey(id, p.name()));
                if ((value == null || value.isBlank()) && p.defaultValue() != null) {
                    value = p.defaultValue();
                }
                if ((value == null || value.isBlank()) && p.required()) {
                    problems.add(d.file() + ": parameters." + p.name() + ": " + envName(id, p.name())
                            + " is required when " + id + " is enabled");
                }
                values.put(p.name(), value == null ? "" : value);
            }
            if (d.pushOptIns() && !d.declares("optIn")) {
                problems.add(d.file() + ": pushOptIns: true needs an optIn operation");
            }
            enabled.put(id, new Connector(d, values));
        }
        if (!problems.isEmpty()) {
            throw new InvalidConnectorException(problems);
        }
        // Defaults may refer to other settings ({{apiKey:dc}}): resolve them once all values are known.
        enabled.replaceAll((id, c) -> {
            Map<String, String> resolved = new LinkedHashMap<>();
            c.settings().forEach((k, v) -> resolved.put(k, c.resolve(v)));
            return new Connector(c.descriptor(), resolved);
        });
        return new Connectors(known, enabled);
    }

    public static String propertyKey(String connectorId, String parameter) {
        return "lethe." + connectorId + "." + parameter.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    public static String envName(String connectorId, String parameter) {
        return propertyKey(connectorId, parameter).toUpperCase().replace('.', '_').replace('-', '_');
    }

    public List<ConnectorDescriptor> known() {
        return known;
    }

    public List<Connector> enabled() {
        return List.copyOf(enabled.values());
    }

    public Optional<Connector> enabled(String id) {
        return Optional.ofNullable(enabled.get(id));
    }

    public boolean isEnabled(String id) {
        return enabled.containsKey(id);
    }
}
