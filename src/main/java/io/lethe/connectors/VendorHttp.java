package io.lethe.connectors;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

/**
 * Calls a REST vendor through camel-http. Each call is a fresh exchange that carries only the headers this class
 * sets (method, content type, auth, accept), so no header of the hub ever reaches a vendor. One endpoint per vendor
 * host keeps camel-http's connection pool to one per vendor; the path travels in {@code CamelHttpPath}.
 * camel-http is configured with automatic retries disabled, so a 429 comes back here at once and dispatch decides
 * when to call again.
 */
public final class VendorHttp {

    private final ProducerTemplate template;
    private final CamelContext context;
    private final Clock clock;

    public VendorHttp(CamelContext context, Clock clock) {
        this.context = context;
        this.template = context.createProducerTemplate();
        this.clock = clock;
    }

    /** A vendor's answer: status, the headers dispatch reads, and the body (may hold personal data: parse, never log). */
    public record Response(int status, String body, Map<String, Object> headers) {
        public String header(String name) {
            for (Map.Entry<String, Object> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name) && h.getValue() != null) {
                    return h.getValue().toString();
                }
            }
            return null;
        }
    }

    public Response call(String method, String url, String authorization, String jsonBody) {
        URI uri = URI.create(url);
        String base = uri.getScheme() + "://" + uri.getRawAuthority();
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, uri.getRawPath());
        if (uri.getRawQuery() != null) {
            exchange.getMessage().setHeader(Exchange.HTTP_QUERY, uri.getRawQuery());
        }
        exchange.getMessage().setHeader("Accept", "application/json");
        if (authorization != null) {
            exchange.getMessage().setHeader("Authorization", authorization);
        }
        if (jsonBody != null) {
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.getMessage().setBody(jsonBody);
        }
        Exchange result = template.send(base + "?throwExceptionOnFailure=false&followRedirects=false", exchange);
        if (result.getException() != null) {
            Exception e = result.getException();
            if (e instanceof IOException || e.getCause() instanceof IOException) {
                throw new VendorException.Transient("vendor unreachable: " + e.getClass().getSimpleName(), null, null, e);
            }
            throw new VendorException.Transient("vendor call failed: " + e.getClass().getSimpleName(), null, null, e);
        }
        int status = result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = result.getMessage().getBody(String.class);
        return new Response(status, body == null ? "" : body, result.getMessage().getHeaders());
    }

    /** Turns the common failure statuses into the exception dispatch acts on; returns the response when 2xx. */
    public Response expectSuccess(Response r, String what) {
        int s = r.status();
        if (s >= 200 && s < 300) {
            return r;
        }
        Duration retryAfter = retryAfter(r.header("Retry-After"));
        if (s == 429 || s == 408 || s >= 500) {
            throw new VendorException.Transient(what + " answered " + s, s, retryAfter, null);
        }
        throw new VendorException.Permanent(what + " refused the call with " + s, s);
    }

    /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
    public Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }
}
