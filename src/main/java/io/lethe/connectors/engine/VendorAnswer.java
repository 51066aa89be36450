package io.lethe.connectors.engine;

import java.util.Map;

/**
 * The vendor's answer to a {@link VendorCall}: the exchange body a transport route leaves. The body may hold personal
 * data: it is parsed, never logged.
 */
public record VendorAnswer(int status, Map<String, String> headers, String body) {

    /** A header's value (names are case-insensitive), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }
}
