package io.lethe.demo.sandbox;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON chores every behaviour shares. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** application/json, with or without parameters such as charset. */
    static boolean isJson(String contentType) {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).split(";")[0].strip().equals("application/json");
    }

    /** The vendors' own coarse check: one @, something on both sides, a dot in the domain, at most 254 characters. */
    static boolean looksLikeEmail(String s) {
        int at = s.indexOf('@');
        return s.length() <= 254 && at > 0 && at == s.lastIndexOf('@') && s.indexOf('.', at) > at + 1
                && !s.endsWith(".") && s.chars().noneMatch(Character::isWhitespace);
    }
}
