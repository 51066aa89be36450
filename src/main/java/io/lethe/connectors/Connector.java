package io.lethe.connectors;

import java.util.Map;
import java.util.regex.Matcher;

/** An enabled connector: its descriptor and its resolved settings. */
public record Connector(ConnectorDescriptor descriptor, Map<String, String> settings) {

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

    /** The purposes this connector acts on, with the operation a withdrawal of each runs. */
    public Map<String, String> purposes() {
        return descriptor.purposes();
    }

    public String title() {
        return descriptor.title();
    }

    /** The address a mail-transport connector writes to ({@code client.baseUrl: "mailto:..."}). */
    public String mailTo() {
        return resolve(descriptor.client().baseUrl()).replaceFirst("^mailto:", "");
    }

    public String transport() {
        return descriptor.transport();
    }
}
