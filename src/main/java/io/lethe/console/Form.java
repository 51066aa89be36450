package io.lethe.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The fields of an {@code application/x-www-form-urlencoded} POST (the console's forms), read from the raw body.
 * A field given twice keeps its first value. Never logged: the sign-in form carries an API key.
 */
public final class Form {

    /** Exchange property holding the parsed form of a console POST (set by {@link ConsoleGuard}). */
    public static final String PROPERTY = "lethe.console.form";

    private final Map<String, String> fields;

    private Form(Map<String, String> fields) {
        this.fields = fields;
    }

    public static Form of(Exchange exchange) {
        Form form = exchange.getProperty(PROPERTY, Form.class);
        return form != null ? form : read(exchange.getMessage());
    }

    static Form read(Message in) {
        Map<String, String> fields = new LinkedHashMap<>();
        String type = in.getHeader(Exchange.CONTENT_TYPE, "", String.class);
        if (!type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)) {
            return new Form(fields);
        }
        Object body = in.getBody();
        if (body instanceof Map<?, ?> parsed) { // platform-http may hand the fields as a map
            parsed.forEach((k, v) -> fields.putIfAbsent(String.valueOf(k), v instanceof Iterable<?> i
                    ? String.valueOf(i.iterator().hasNext() ? i.iterator().next() : "") : String.valueOf(v)));
            return new Form(fields);
        }
        String text = in.getBody(String.class);
        if (text == null || text.isEmpty()) {
            return new Form(fields);
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(name, value);
            } catch (IllegalArgumentException malformed) {
                throw ConsoleRefusal.invalid("The form could not be read.");
            }
        }
        return new Form(fields);
    }

    /** The field, stripped; null when absent or blank. */
    public String get(String name) {
        String v = fields.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** The field as given (a key or a password is not stripped). */
    public String raw(String name) {
        return fields.get(name);
    }
}
