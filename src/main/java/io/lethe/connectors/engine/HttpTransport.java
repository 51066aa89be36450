package io.lethe.connectors.engine;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The steps of the {@code lethe-transport-http} route: a {@link VendorCall} becomes camel-http's headers (the call's
 * own headers only: the route's exchange carries nothing else) and camel-http's answer becomes a {@link VendorAnswer}.
 * camel-http runs with automatic retries off, so a 429 comes back here at once and the call's route decides.
 */
public final class HttpTransport {

    /** The property holding the vendor's scheme://host[:port], the endpoint the route sends to. */
    public static final String BASE = "letheHttpBase";

    public void toHttp(Exchange exchange) {
        VendorCall call = exchange.getMessage().getBody(VendorCall.class);
        URI uri = URI.create(call.url());
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        exchange.setProperty(BASE, uri.getScheme() + "://" + uri.getRawAuthority());
        m.setHeader(Exchange.HTTP_METHOD, call.method());
        m.setHeader(Exchange.HTTP_PATH, uri.getRawPath());
        if (uri.getRawQuery() != null) {
            m.setHeader(Exchange.HTTP_QUERY, uri.getRawQuery());
        }
        call.headers().forEach((k, v) -> {
            if (k.equalsIgnoreCase("Content-Type")) {
                m.setHeader(Exchange.CONTENT_TYPE, v);
            } else {
                m.setHeader(k, v);
            }
        });
        m.setBody(call.body());
    }

    public void fromHttp(Exchange exchange) {
        Message m = exchange.getMessage();
        int status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = m.getBody(String.class);
        Map<String, String> headers = new LinkedHashMap<>();
        m.getHeaders().forEach((k, v) -> {
            if (v != null && !k.startsWith("Camel")) {
                headers.put(k, String.valueOf(v));
            }
        });
        m.setBody(new VendorAnswer(status, headers, body == null ? "" : body));
    }
}
