package io.lethe.webhooks;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.events.Event;

/**
 * An event as receivers see it, the same in a webhook body and in {@code GET /api/v1/events}: the Standard Webhooks
 * payload shape ({@code type}, {@code timestamp}, {@code data}) with the event's {@code id} (the cursor and the
 * {@code webhook-id}) and {@code subjectId}.
 */
public final class EventJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventJson() {
    }

    public static Map<String, Object> render(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("type", e.type());
        m.put("timestamp", e.occurredAt().toString());
        m.put("subjectId", e.subjectId());
        m.put("data", data(e));
        return m;
    }

    static JsonNode data(Event e) {
        try {
            return JSON.readTree(e.data());
        } catch (IOException notJson) {
            throw new IllegalStateException("event " + e.id() + " holds no JSON object");
        }
    }

    static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
