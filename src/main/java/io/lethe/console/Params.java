package io.lethe.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;

/**
 * The query string of a console GET (filters and paging: ids and codes only, never personal data), read from the raw
 * query. Bad values are collected, not thrown, so the page can show the filters with what is wrong.
 */
public final class Params {

    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._:-]{1,64}$");
    private static final Pattern CODE = Pattern.compile("^[a-z0-9_.:-]{1,64}$");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private Params(String query) {
        if (query == null) {
            return;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (pair.isEmpty() || eq == 0) {
                continue;
            }
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).strip();
                if (!value.isEmpty()) {
                    values.putIfAbsent(name, value);
                }
            } catch (IllegalArgumentException malformed) {
                problems.add("The address could not be read.");
            }
        }
    }

    public static Params of(Exchange exchange) {
        return new Params(exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class));
    }

    /** An opaque id (subjectId, requestId, connector id). */
    public String id(String name, String label) {
        return matching(name, label, ID, "is not an id");
    }

    /** A code (action, outcome, status). */
    public String code(String name, String label) {
        return matching(name, label, CODE, "is not a known code");
    }

    /** A day (yyyy-MM-dd, the date input's value) as its first instant in UTC; {@code endOfDay}: the next day's. */
    public Instant day(String name, String label, boolean endOfDay) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        try {
            LocalDate d = LocalDate.parse(v);
            return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(label + ": not a date (yyyy-mm-dd).");
            values.remove(name);
            return null;
        }
    }

    public long number(String name, String label, long fallback, long min, long max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(label + ": must be a number from " + min + " to " + max + ".");
        values.remove(name);
        return fallback;
    }

    /** The value as typed (for refilling the filter form); null when absent. */
    public String raw(String name) {
        return values.get(name);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    private String matching(String name, String label, Pattern pattern, String what) {
        String v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!pattern.matcher(v).matches()) {
            problems.add(label + ": " + what + ".");
            values.remove(name);
            return null;
        }
        return v;
    }
}
