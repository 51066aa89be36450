package io.lethe.connectors.engine;

import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;

/** JSONPath over vendor answers (Jayway, as camel-jsonpath uses): missing paths read as nothing, never as errors. */
public final class JsonPaths {

    private static final Configuration LIST = Configuration.defaultConfiguration()
            .addOptions(Option.ALWAYS_RETURN_LIST, Option.SUPPRESS_EXCEPTIONS);
    private static final Configuration ONE = Configuration.defaultConfiguration()
            .addOptions(Option.SUPPRESS_EXCEPTIONS, Option.DEFAULT_PATH_LEAF_TO_NULL);

    private JsonPaths() {
    }

    /** A parsed answer; null for an empty or unreadable body. */
    public static DocumentContext parse(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            return JsonPath.using(LIST).parse(json);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** Every value at the path (empty when none). */
    public static List<Object> all(DocumentContext doc, String path) {
        if (doc == null || path == null) {
            return List.of();
        }
        Object v = doc.read(path);
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                if (o != null) {
                    out.add(o);
                }
            }
            return out;
        }
        return v == null ? List.of() : List.of(v);
    }

    /** The values at the path as texts. */
    public static List<String> texts(DocumentContext doc, String path) {
        return all(doc, path).stream().map(String::valueOf).toList();
    }

    /** The first value at the path as text, or null. */
    public static String first(DocumentContext doc, String path) {
        List<Object> all = all(doc, path);
        return all.isEmpty() ? null : String.valueOf(all.get(0));
    }

    /** The first value at a path relative to one item (an item is a Map/List read from a page). */
    public static Object at(Object item, String path) {
        if (item == null || path == null) {
            return null;
        }
        Object v = JsonPath.using(ONE).parse(item).read(path);
        if (v instanceof List<?> l) {
            return l.isEmpty() ? null : l.get(0);
        }
        return v;
    }
}
