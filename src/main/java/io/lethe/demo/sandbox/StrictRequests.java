package io.lethe.demo.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What every strict vendor fake reads the same way: JSON bodies, media types, query parameters. */
final class StrictRequests {

    static final ObjectMapper JSON = new ObjectMapper();

    private StrictRequests() {
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    static JsonNode json(SandboxRequest request) {
        if (request.body() == null || request.body().length == 0) {
            return null;
        }
        try {
            return JSON.readTree(request.body());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** True when the Content-Type's media type (parameters ignored) is {@code mediaType}. */
    static boolean contentTypeIs(SandboxRequest request, String mediaType) {
        String ct = request.header("Content-Type");
        if (ct == null) {
            return false;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT).equals(mediaType);
    }

    /** Query parameters, decoded, in order. */
    static Map<String, List<String>> query(SandboxRequest request) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (request.rawQuery() == null || request.rawQuery().isEmpty()) {
            return out;
        }
        for (String pair : request.rawQuery().split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    static String lower(String email) {
        return email.toLowerCase(Locale.ROOT);
    }

    /** A syntactically plausible address within RFC 5321's 254 characters (what vendors check before storing). */
    static boolean plausibleEmail(String email) {
        if (email == null || email.length() > 254) {
            return false;
        }
        int at = email.lastIndexOf('@');
        return at > 0 && at <= 64 && at < email.length() - 3 && email.indexOf('.', at) > at + 1
                && !email.contains(" ");
    }

    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
