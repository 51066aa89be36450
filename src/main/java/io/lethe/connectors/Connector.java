package io.lethe.connectors;

import java.util.Map;
import java.util.regex.Matcher;

/** An enabled connector: its descriptor, its resolved settings, and the adapter that speaks its vendor's API. */
public record Connector(ConnectorDescriptor descriptor, Map<String, String> settings, VendorAdapter adapter) {

    public String id() {
        return descriptor.id();
    }

    /** A setting's value ("" when unset and without default). */
    public String setting(String name) {
        return settings.getOrDefault(name, "");
    }

    /** Fills {@code {{parameter}}} placeholders; {@code {{p:dc}}} takes the data-centre suffix after the last '-'. */
    public String resolve(String template) {
        if (template == null) {
            return null;
        }
        Matcher m = DescriptorValidator.PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String whole = m.group();
            String value = setting(m.group(1));
            if (whole.endsWith(":dc}}")) {
                value = value.substring(value.lastIndexOf('-') + 1);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The Authorization header of an operation: its {@code auth} line with the parameters filled in. */
    public String authorization(ConnectorDescriptor.Operation operation) {
        return resolve(operation.auth());
    }

    /** The purposes this connector acts on, with the vendor action each maps to. */
    public Map<String, String> purposes() {
        return descriptor.purposes();
    }
}
