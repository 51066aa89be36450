package io.lethe.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.webhooks.Deliveries;
import io.lethe.webhooks.Subscription;
import io.lethe.webhooks.Subscriptions;
import io.lethe.webhooks.TargetGuard;
import org.apache.camel.Exchange;

/**
 * Webhook subscriptions (admin): {@code POST /api/v1/webhooks/subscriptions} creates one and answers its secret
 * ({@code whsec_...}) this once (a replay with the same Idempotency-Key answers the subscription without it, with a
 * note); {@code GET} lists them with their delivery counts; {@code DELETE .../{id}} deletes
 * one; {@code GET .../{id}/deliveries} lists its recent deliveries. A subscription that includes identities gets the
 * subject's identities in each delivery; every such delivery is written to the personal-data access log.
 */
public final class WebhooksApi {

    static final String REPLAY_NOTE = "This is a replay (Idempotency-Key): the subscription was created by the first"
            + " request, whose answer alone held its secret. If that answer was lost, delete the subscription and"
            + " create a new one.";
    private static final Set<String> FIELDS = Set.of("url", "types", "includeIdentities");
    private static final Set<String> DELIVERY_PARAMS = Set.of("status", "limit");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final TargetGuard guard;
    private final Json json;
    private final Responses responses;

    public WebhooksApi(Subscriptions subscriptions, Deliveries deliveries, TargetGuard guard, Json json,
            Responses responses) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.guard = guard;
        this.json = json;
        this.responses = responses;
    }

    public void create(Exchange exchange) {
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", FIELDS);
        String url = errors.text(body, "url", "", true, 2048);
        if (url != null) {
            guard.refusal(url).ifPresent(why -> errors.add("url", why));
        }
        List<String> types = new ArrayList<>();
        JsonNode typesNode = body.get("types");
        if (typesNode == null || !typesNode.isArray() || typesNode.isEmpty()) {
            errors.add("types", "must be a non-empty array of event types");
        } else {
            for (JsonNode t : typesNode) {
                if (!t.isTextual() || !io.lethe.events.Events.TYPES.contains(t.asText())) {
                    errors.add("types", "must be event types among " + String.join(", ", io.lethe.events.Events.TYPES));
                    break;
                }
                if (!types.contains(t.asText())) {
                    types.add(t.asText());
                }
            }
        }
        JsonNode identities = body.get("includeIdentities");
        if (identities != null && !identities.isBoolean()) {
            errors.add("includeIdentities", "must be true or false");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        Principal creator = exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
        Subscriptions.Created created = subscriptions.create(url, types, identities != null && identities.asBoolean(),
                creator.keyName());
        Map<String, Object> replay = render(created.subscription(), Map.of());
        replay.put("note", REPLAY_NOTE);
        exchange.setProperty(Idempotency.REPLAY_BODY, json.write(replay)); // the secret is never kept for a replay
        Map<String, Object> out = render(created.subscription(), Map.of());
        out.put("secret", created.secret());
        responses.json(exchange, 201, out);
    }

    public void list(Exchange exchange) {
        new QueryParams(exchange, Set.of()).throwIfInvalid();
        Map<String, Map<String, Long>> counts = deliveries.counts();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Subscription s : subscriptions.list(false)) {
            out.add(render(s, counts.getOrDefault(s.id(), Map.of())));
        }
        responses.json(exchange, 200, Map.of("subscriptions", out));
    }

    public void delete(Exchange exchange) {
        String id = idFromPath(exchange, 0);
        if (!subscriptions.delete(id)) {
            throw ApiProblem.notFound("There is no webhook subscription with that id.");
        }
        var message = exchange.getMessage();
        Responses.clearInboundHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        message.setBody(null);
    }

    public void deliveries(Exchange exchange) {
        String id = idFromPath(exchange, 1);
        QueryParams q = new QueryParams(exchange, DELIVERY_PARAMS);
        String status = q.oneOf("status", List.of("all", "pending", "sending", "delivered", "failed", "cancelled"), "all");
        int limit = (int) q.number("limit", 100, 1, 1000);
        q.throwIfInvalid();
        if (subscriptions.get(id).isEmpty()) {
            throw ApiProblem.notFound("There is no webhook subscription with that id.");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Deliveries.Row r : deliveries.recent(id, status.equals("all") ? null : status, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eventId", r.eventId());
            m.put("eventType", r.eventType());
            m.put("status", r.status());
            m.put("attempts", r.attempts());
            m.put("lastStatus", r.lastStatus());
            m.put("lastError", r.lastError());
            m.put("createdAt", r.createdAt().toString());
            m.put("nextAttemptAt", r.status().equals("pending") ? r.nextAttemptAt().toString() : null);
            m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
            out.add(m);
        }
        responses.json(exchange, 200, Map.of("deliveries", out));
    }

    /** The subscription id in the path: the last segment ({@code back} = 0) or the one before it (1). */
    private static String idFromPath(Exchange exchange, int back) {
        String[] parts = ApiGuard.requestPath(exchange.getMessage()).split("/");
        String id = parts[parts.length - 1 - back];
        if (!ID.matcher(id).matches()) {
            throw ApiProblem.notFound("There is no webhook subscription with that id.");
        }
        return id;
    }

    private static Map<String, Object> render(Subscription s, Map<String, Long> counts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("url", s.url());
        m.put("types", s.types());
        m.put("includeIdentities", s.includeIdentities());
        m.put("createdAt", s.createdAt().toString());
        m.put("createdBy", s.createdBy());
        m.put("afterEventId", s.fromSeq());
        m.put("alertedAt", s.alertedAt() == null ? null : s.alertedAt().toString());
        Map<String, Long> c = new LinkedHashMap<>();
        for (String status : List.of("pending", "sending", "delivered", "failed", "cancelled")) {
            c.put(status, counts.getOrDefault(status, 0L));
        }
        m.put("deliveries", c);
        return m;
    }
}
