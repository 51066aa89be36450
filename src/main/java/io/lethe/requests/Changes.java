package io.lethe.requests;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A rectification's corrected fields as the JSON object that is sealed with the request. */
final class Changes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Changes() {
    }

    static String json(Map<String, String> changes) {
        ObjectNode node = JSON.createObjectNode();
        changes.forEach(node::put);
        return node.toString();
    }

    static Map<String, String> parse(String json) {
        try {
            Map<String, String> out = new LinkedHashMap<>();
            JSON.readTree(json).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("stored changes are not readable", e);
        }
    }
}
