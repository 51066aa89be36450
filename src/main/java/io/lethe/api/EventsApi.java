package io.lethe.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lethe.events.Event;
import io.lethe.events.EventLog;
import io.lethe.events.Events;
import io.lethe.webhooks.EventJson;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/v1/events?after=&limit=&types=}: the events the webhooks deliver, in id order, so a receiver that
 * was down catches up from the last id it has. Only sequenced events are listed (io.lethe.events.EventLog), so a
 * page never moves past an event that will still appear. {@code next} is the cursor for the following page.
 */
public final class EventsApi {

    private static final Set<String> PARAMS = Set.of("after", "limit", "types");

    private final EventLog log;
    private final Responses responses;

    public EventsApi(EventLog log, Responses responses) {
        this.log = log;
        this.responses = responses;
    }

    public void list(Exchange exchange) {
        QueryParams q = new QueryParams(exchange, PARAMS);
        long after = q.number("after", 0, 0, Long.MAX_VALUE);
        int limit = (int) q.number("limit", 100, 1, 1000);
        String typesText = q.text("types", 512);
        q.throwIfInvalid();
        List<String> types = types(typesText);
        long last = log.lastSeq();
        if (after > last) {
            throw ApiProblem.invalid("after", "is past the newest event (" + last + "); use an id this hub gave");
        }
        List<Event> events = log.after(after, limit, types);
        List<Map<String, Object>> items = new ArrayList<>();
        events.forEach(e -> items.add(EventJson.render(e)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", items);
        body.put("next", events.isEmpty() ? after : events.get(events.size() - 1).id());
        body.put("hasMore", events.size() == limit);
        responses.json(exchange, 200, body);
    }

    /** A comma-separated list of event types (empty: all); unknown ones are a 400 naming {@code field}. */
    static List<String> types(String text) {
        return types(text, "types");
    }

    static List<String> types(String text, String field) {
        if (text == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String t : text.split(",")) {
            String type = t.strip();
            if (!Events.TYPES.contains(type)) {
                throw ApiProblem.invalid(field, "must be event types among " + String.join(", ", Events.TYPES));
            }
            if (!out.contains(type)) {
                out.add(type);
            }
        }
        return out;
    }
}
