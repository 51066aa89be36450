package io.lethe.connectors.engine;

import java.util.Map;

/**
 * One HTTP call to a vendor, fully built from the connector file: the exchange body on its way into a transport
 * route ({@code direct:lethe-transport-<transport>}). {@code headers} are the only headers the vendor will see.
 * {@code url} is absolute; {@code body} is null for calls without one.
 */
public record VendorCall(String connectorId, String operation, String method, String url, Map<String, String> headers,
        String body) {
}
