package io.lethe.review;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.Connectors;

/**
 * Where a connector's calls go: the host of its resolved base URL (the configured one when enabled, else the
 * documented default), or the domain a mail connector writes to. Hosts only: no path, no credentials.
 */
final class Destinations {

    private Destinations() {
    }

    static String of(ConnectorDescriptor d, Connectors connectors) {
        Connector c = connectors.enabled(d.id()).orElseGet(() -> new Connector(d, defaults(d)));
        String url = c.resolve(d.client().baseUrl());
        String setting = setting(d);
        if (url == null || url.isBlank() || url.contains("{{") || url.equals("mailto:")) {
            return "not configured (" + setting + ")";
        }
        if (url.startsWith("mailto:")) {
            String address = url.substring("mailto:".length());
            int at = address.lastIndexOf('@');
            return at < 0 ? "not configured (" + setting + ")" : "e-mail to " + address.substring(at + 1);
        }
        try {
            String host = URI.create(url).getHost();
            return host == null || host.isBlank() ? "not configured (" + setting + ")" : host;
        } catch (IllegalArgumentException e) {
            return "not a URL (" + setting + ")";
        }
    }

    /** The environment variable that sets the base URL: the parameter {@code client.baseUrl} names. */
    private static String setting(ConnectorDescriptor d) {
        java.util.regex.Matcher m = io.lethe.connectors.DescriptorValidator.PLACEHOLDER.matcher(
                d.client().baseUrl() == null ? "" : d.client().baseUrl());
        return Connectors.envName(d.id(), m.find() ? m.group(1) : "baseUrl");
    }

    private static Map<String, String> defaults(ConnectorDescriptor d) {
        Map<String, String> values = new LinkedHashMap<>();
        d.parameters().forEach((name, p) -> {
            if (p.defaultValue() != null && !p.secret()) {
                values.put(name, p.defaultValue());
            }
        });
        return values;
    }
}
