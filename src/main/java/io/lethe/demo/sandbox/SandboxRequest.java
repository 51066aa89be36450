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

    public String bodyText() {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }
}
