package io.lethe.demo;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/** HubSpot's communication preferences v4, with its bearer auth and 100-requests-per-10-seconds limit. */
public final class HubSpotSandbox extends Sandbox {

    public static final String TOKEN = "demo-hubspot-token";
    private static final String PREFIX = "/communication-preferences/v4/statuses/";
    private final Map<String, String> status = new ConcurrentHashMap<>();
    private final Deque<Long> window = new ArrayDeque<>();

    public HubSpotSandbox(int port) throws IOException {
        super(port);
    }

    public void seed(String email) {
        status.put(email.toLowerCase(Locale.ROOT), "SUBSCRIBED");
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            json(exchange, 401, "{\"status\":\"error\",\"message\":\"Authentication credentials not found.\","
                    + "\"category\":\"INVALID_AUTHENTICATION\"}");
            return;
        }
        if (!allow()) {
            exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
            exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Max", "100");
            exchange.getResponseHeaders().set("X-HubSpot-RateLimit-Remaining", "0");
            json(exchange, 429, "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\","
                    + "\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (method.equals("POST") && path.equals(PREFIX + "batch/unsubscribe-all")) {
            JsonNode body = body(exchange);
            if (body == null || !body.path("inputs").isArray() || body.path("inputs").size() > 100) {
                json(exchange, 400, "{\"status\":\"error\",\"message\":\"inputs must be an array of at most 100\","
                        + "\"category\":\"VALIDATION_ERROR\"}");
                return;
            }
            ObjectNode response = JSON.createObjectNode();
            response.put("status", "COMPLETE");
            ArrayNode results = response.putArray("results");
            String now = Instant.now().toString();
            body.path("inputs").forEach(input -> {
                String email = input.asText().toLowerCase(Locale.ROOT);
                status.put(email, "UNSUBSCRIBED");
                markOptedOut(email);
                ObjectNode result = results.addObject();
                result.put("subscriberIdString", email);
                result.putArray("wideStatuses").addObject().put("wideStatusType", "PORTAL_WIDE")
                        .put("status", "UNSUBSCRIBED").put("channel", "EMAIL").put("timestamp", now);
            });
            response.put("startedAt", now).put("completedAt", now);
            json(exchange, 200, response);
            return;
        }
        if (method.equals("POST") && path.equals("/crm/v3/objects/contacts/gdpr-delete")) {
            JsonNode body = body(exchange);
            if (body == null || !body.hasNonNull("objectId")) {
                json(exchange, 400, "{\"status\":\"error\",\"message\":\"objectId is required\","
                        + "\"category\":\"VALIDATION_ERROR\"}");
                return;
            }
            // Real HubSpot also blocklists an address it does not hold, and answers 204 either way.
            String email = body.get("objectId").asText().toLowerCase(Locale.ROOT);
            status.remove(email);
            json(exchange, 204, "");
            return;
        }
        if (method.equals("POST") && path.equals("/crm/v3/objects/contacts/batch/read")) {
            JsonNode body = body(exchange);
            ObjectNode response = JSON.createObjectNode();
            response.put("status", "COMPLETE");
            ArrayNode results = response.putArray("results");
            if (body != null) {
                body.path("inputs").forEach(in -> {
                    String email = in.path("id").asText().toLowerCase(Locale.ROOT);
                    if (status.containsKey(email)) {
                        results.addObject().put("id", String.valueOf(Math.abs(email.hashCode())))
                                .putObject("properties").put("email", email);
                    }
                });
            }
            json(exchange, 200, response);
            return;
        }
        if (method.equals("GET") && path.startsWith(PREFIX) && path.endsWith("/unsubscribe-all")) {
            String email = path.substring(PREFIX.length(), path.length() - "/unsubscribe-all".length());
            boolean unsubscribed = "UNSUBSCRIBED".equals(status.get(email.toLowerCase(Locale.ROOT)));
            json(exchange, 200, unsubscribed
                    ? "{\"results\":[{\"wideStatusType\":\"PORTAL_WIDE\",\"status\":\"UNSUBSCRIBED\"}]}"
                    : "{\"results\":[]}");
            return;
        }
        json(exchange, 404, "{\"status\":\"error\",\"message\":\"Not found\",\"category\":\"OBJECT_NOT_FOUND\"}");
    }

    private synchronized boolean allow() {
        long now = System.currentTimeMillis();
        while (!window.isEmpty() && window.peekFirst() < now - 10_000) {
            window.pollFirst();
        }
        if (window.size() >= 100) {
            return false;
        }
        window.addLast(now);
        return true;
    }

    @Override
    Object contacts() {
        return new TreeMap<>(status);
    }
}
