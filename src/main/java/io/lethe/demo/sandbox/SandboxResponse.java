package io.lethe.demo.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/** A sandbox's answer. */
public record SandboxResponse(int status, Map<String, String> headers, String body) {

    public static SandboxResponse json(int status, String body) {
        return new SandboxResponse(status, Map.of("Content-Type", "application/json"), body);
    }

    public static SandboxResponse empty(int status) {
        return new SandboxResponse(status, Map.of(), "");
    }

    /** This answer with one more header. */
    public SandboxResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new SandboxResponse(status, h, body);
    }
}
