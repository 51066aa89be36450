package io.lethe.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;

/** Query parameters read from the raw query string (not from headers, which a client could also set). */
final class QueryParams {

    private final Map<String, String> values = new LinkedHashMap<>();
    private final FieldErrors errors = new FieldErrors();

    QueryParams(Exchange exchange, Set<String> allowed) {
        String raw = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, "", String.class);
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            String name = decode(kv[0]);
            if (!allowed.contains(name)) {
                errors.add(name, "unknown query parameter");
            } else if (values.containsKey(name)) {
                errors.add(name, "given more than once");
            } else {
                values.put(name, kv.length > 1 ? decode(kv[1]) : "");
            }
        }
    }

    private String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            errors.add("query", "is not properly percent-encoded");
            return s;
        }
    }

    String text(String name, int maxLength) {
        String v = values.get(name);
        if (v != null && (v.isEmpty() || v.length() > maxLength)) {
            errors.add(name, "must be 1-" + maxLength + " characters");
            return null;
        }
        return v;
    }

    Instant instant(String name) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(name, "must be an ISO-8601 date-time with offset");
            return null;
        }
    }

    long number(String name, long defaultValue, long min, long max) {
        String v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(name, "must be a whole number from " + min + " to " + max);
        return defaultValue;
    }

    String oneOf(String name, List<String> allowed, String defaultValue) {
        String v = values.getOrDefault(name, defaultValue);
        if (!allowed.contains(v)) {
            errors.add(name, "must be one of " + String.join(", ", allowed));
            return defaultValue;
        }
        return v;
    }

    void throwIfInvalid() {
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
    }
}
