package io.lethe.demo.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Reads a request's query string as the vendors do (form-decoded: a raw '+' is a space). */
final class Query {

    private Query() {
    }

    /** The first value of the parameter, decoded, or null when absent. */
    static String param(SandboxRequest r, String name) {
        if (r.rawQuery() == null) {
            return null;
        }
        for (String pair : r.rawQuery().split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
