package io.lethe.demo.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One request as it reached a sandbox: headers by lower-cased name, the raw query, the body bytes. */
public record SandboxRequest(String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {

    /** The first value of a header (names are case-insensitive), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The query's parameters, decoded (the last of a repeated name wins). */
    public Map<String, String> queryParams() {
        Map<String, String> q = new java.util.LinkedHashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    public String bodyText() {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }
}
