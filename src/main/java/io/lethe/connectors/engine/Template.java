package io.lethe.connectors.engine;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Fills a connector file's templates for one call: {@code ${name.field | filter | filter(arg)}} in strings, and
 * {@code $forEach}/{@code $emit} in bodies. A string that is exactly one expression keeps the value's type (a list
 * stays a JSON array); a field or query parameter whose value is null is left out.
 */
public final class Template {

    /** The named identity transforms and formats connector files may use. */
    public static final Set<String> FILTERS = Set.of("lower", "upper", "md5", "soql", "urlencode", "join", "iso8601",
            "epochSeconds", "date", "json", "chunks");
    public static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
            .withZone(ZoneOffset.UTC);

    private Template() {
    }

    /** Evaluates a string: one whole expression keeps its type, otherwise the text with each expression filled in. */
    public static Object text(String template, Map<String, Object> scope) {
        if (template == null) {
            return null;
        }
        Matcher whole = EXPRESSION.matcher(template);
        if (whole.matches()) {
            return expression(whole.group(1), scope);
        }
        Matcher m = EXPRESSION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object v = expression(m.group(1), scope);
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : String.valueOf(v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Evaluates a body template into JSON. */
    public static JsonNode body(JsonNode template, Map<String, Object> scope) {
        if (template == null) {
            return null;
        }
        if (template.isTextual()) {
            return JSON.valueToTree(text(template.asText(), scope));
        }
        if (template.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            template.forEach(t -> out.add(body(t, scope)));
            return out;
        }
        if (template.isObject()) {
            if (template.has("$forEach")) {
                return forEach(template, scope);
            }
            if (template.has("$concat")) { // the lists its templates make, one after the other
                ArrayNode out = JSON.createArrayNode();
                template.get("$concat").forEach(t -> {
                    JsonNode part = body(t, scope);
                    if (part != null && part.isArray()) {
                        out.addAll((ArrayNode) part);
                    } else if (part != null && !part.isNull()) {
                        out.add(part);
                    }
                });
                return out;
            }
            ObjectNode out = JSON.createObjectNode();
            template.fields().forEachRemaining(e -> {
                JsonNode v = body(e.getValue(), scope);
                if (v != null && !v.isNull()) {
                    out.set(e.getKey(), v);
                }
            });
            return out;
        }
        return template;
    }

    /**
     * {@code $forEach: records} binds each item as {@code record} (the singular of the list's name, or {@code $as}),
     * as {@code item}, its position from 0 as {@code index}, and, for an object, its fields directly
     * ({@code ${identity}} inside {@code entries}). The list may be an expression with filters
     * ({@code $forEach: "hook | chunks(200)"}).
     */
    private static JsonNode forEach(JsonNode template, Map<String, Object> scope) {
        String listName = template.get("$forEach").asText();
        Object items = expression(listName, scope);
        String as = template.has("$as") ? template.get("$as").asText() : singular(listName);
        ArrayNode out = JSON.createArrayNode();
        if (items instanceof List<?> list) {
            int index = 0;
            for (Object item : list) {
                Map<String, Object> inner = new LinkedHashMap<>(scope);
                if (item instanceof Map<?, ?> fields) {
                    fields.forEach((k, v) -> inner.put(String.valueOf(k), v));
                } else {
                    inner.put("identity", item);
                }
                inner.put("item", item);
                inner.put("index", index++);
                inner.put(as, item);
                out.add(template.has("$emit") ? body(template.get("$emit"), inner) : JSON.valueToTree(item));
            }
        }
        return out;
    }

    /** {@code name.field | filter | filter(arg)} against the scope. */
    public static Object expression(String expression, Map<String, Object> scope) {
        String[] parts = expression.split("\\|");
        Object value = lookup(parts[0].strip(), scope);
        for (int i = 1; i < parts.length; i++) {
            value = filter(parts[i].strip(), value);
        }
        return value;
    }

    private static String singular(String listName) {
        String last = listName.substring(listName.lastIndexOf('.') + 1).strip();
        if (last.endsWith("ies")) {
            return last.substring(0, last.length() - 3) + "y";
        }
        return last.endsWith("s") ? last.substring(0, last.length() - 1) : last;
    }

    /** A dotted path; a field of a list is the list of that field of each item ({@code records.Id}). */
    private static Object lookup(String path, Map<String, Object> scope) {
        Object current = scope;
        for (String key : path.split("\\.")) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(key);
            } else if (current instanceof List<?> list) {
                List<Object> out = new ArrayList<>();
                for (Object item : list) {
                    if (item instanceof Map<?, ?> m && m.get(key) != null) {
                        out.add(m.get(key));
                    }
                }
                current = out;
            } else {
                return null;
            }
        }
        return current;
    }

    /** The filter names used in a template string (for the validator). */
    public static List<String> filtersIn(String template) {
        List<String> names = new ArrayList<>();
        Matcher m = EXPRESSION.matcher(template);
        while (m.find()) {
            String[] parts = m.group(1).split("\\|");
            for (int i = 1; i < parts.length; i++) {
                String f = parts[i].strip();
                names.add(f.contains("(") ? f.substring(0, f.indexOf('(')).strip() : f);
            }
        }
        return names;
    }

    private static Object filter(String filter, Object value) {
        String name = filter.contains("(") ? filter.substring(0, filter.indexOf('(')).strip() : filter;
        String arg = filter.contains("(") ? filter.substring(filter.indexOf('(') + 1, filter.lastIndexOf(')')).strip() : "";
        if (arg.length() >= 2 && (arg.startsWith("\"") || arg.startsWith("'"))) {
            arg = arg.substring(1, arg.length() - 1);
        }
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list && !name.equals("join") && !name.equals("json") && !name.equals("chunks")) {
            List<Object> out = new ArrayList<>();
            for (Object v : list) {
                out.add(filter(filter, v));
            }
            return out;
        }
        return switch (name) {
            case "lower" -> String.valueOf(value).toLowerCase(Locale.ROOT);
            case "upper" -> String.valueOf(value).toUpperCase(Locale.ROOT);
            case "md5" -> md5(String.valueOf(value).toLowerCase(Locale.ROOT));
            case "soql" -> "'" + String.valueOf(value).replace("\\", "\\\\").replace("'", "\\'") + "'";
            case "urlencode" -> URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8).replace("+", "%20");
            case "join" -> String.join(arg.isEmpty() ? "," : arg,
                    ((List<?>) (value instanceof List<?> l ? l : List.of(value))).stream().map(String::valueOf).toList());
            case "iso8601" -> ISO_SECONDS.format(instant(value).truncatedTo(ChronoUnit.SECONDS));
            case "epochSeconds" -> instant(value).getEpochSecond();
            case "date" -> instant(value).atOffset(ZoneOffset.UTC).toLocalDate().toString();
            case "json" -> JSON.valueToTree(value).toString();
            case "chunks" -> chunks(value, arg);
            default -> throw new IllegalArgumentException("unknown filter " + name);
        };
    }

    /**
     * {@code chunks(n)} or {@code chunks(n, chars)}: the list cut into consecutive lists of at most n items and, when
     * given, at most {@code chars} characters (each item's text and one separator), e.g. the sub-requests of one
     * Composite call, or SOQL {@code IN} lists kept under the statement's length.
     */
    private static List<List<Object>> chunks(Object value, String arg) {
        String[] args = arg.split(",");
        int size = Integer.parseInt(args[0].strip());
        long chars = args.length > 1 ? Long.parseLong(args[1].strip()) : Long.MAX_VALUE;
        List<?> list = value instanceof List<?> l ? l : List.of(value);
        List<List<Object>> out = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        long length = 0;
        for (Object item : list) {
            long n = String.valueOf(item).length() + 1L;
            if (!current.isEmpty() && (current.size() >= size || length + n > chars)) {
                out.add(current);
                current = new ArrayList<>();
                length = 0;
            }
            current.add(item);
            length += n;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    private static Instant instant(Object value) {
        return value instanceof Instant i ? i : Instant.parse(String.valueOf(value));
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
