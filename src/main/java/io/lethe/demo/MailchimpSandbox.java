package io.lethe.demo;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/** Mailchimp Marketing API 3.0 lists and members, with Bearer auth, problem+json errors and 10 concurrent connections. */
public final class MailchimpSandbox extends Sandbox {

    public static final String API_KEY = "demo0000000000000000000000000000-us14";
    private final Map<String, Map<String, ObjectNode>> lists = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    public MailchimpSandbox(int port, String... listIds) throws IOException {
        super(port);
        for (String id : listIds) {
            lists.put(id, new ConcurrentHashMap<>());
        }
    }

    public void seed(String listId, String email) {
        ObjectNode member = JSON.createObjectNode();
        member.put("id", hash(email)).put("email_address", email.toLowerCase(Locale.ROOT)).put("status", "subscribed");
        lists.get(listId).put(hash(email), member);
    }

    static String hash(String email) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new BigInteger(1, md5));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (!("Bearer " + API_KEY).equals(auth)) { // Mailchimp's current spec declares Bearer auth

            problem(exchange, 401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the"
                    + " wrong datacenter.");
            return;
        }
        if (inFlight.incrementAndGet() > 10) {
            inFlight.decrementAndGet();
            problem(exchange, 429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.");
            return;
        }
        try {
            route(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().split("/");
        // /3.0/lists/{id}[/members/{hash}]
        if (parts.length < 4 || !parts[1].equals("3.0") || !parts[2].equals("lists") || !lists.containsKey(parts[3])) {
            problem(exchange, 404, "Resource Not Found", "The requested resource could not be found.");
            return;
        }
        Map<String, ObjectNode> members = lists.get(parts[3]);
        String method = exchange.getRequestMethod();
        if (parts.length == 4 && method.equals("POST")) {
            batch(exchange, members);
        } else if (parts.length == 8 && parts[4].equals("members") && parts[6].equals("actions")
                && parts[7].equals("delete-permanent") && method.equals("POST")) {
            if (members.remove(parts[5]) == null) {
                problem(exchange, 404, "Resource Not Found", "The requested resource could not be found.");
            } else {
                send(exchange, 204, "application/json", "");
            }
        } else if (parts.length == 6 && parts[4].equals("members") && method.equals("GET")) {
            ObjectNode member = members.get(parts[5]);
            if (member == null) {
                problem(exchange, 404, "Resource Not Found", "The requested resource could not be found.");
            } else {
                json(exchange, 200, member);
            }
        } else {
            problem(exchange, 405, "Method Not Allowed", "The requested method and resource are not compatible.");
        }
    }

    private void batch(HttpExchange exchange, Map<String, ObjectNode> members) throws IOException {
        JsonNode body = body(exchange);
        if (body == null || !body.path("members").isArray() || body.path("members").size() > 500) {
            problem(exchange, 400, "Invalid Resource", "members must be an array of at most 500.");
            return;
        }
        boolean updateExisting = body.path("update_existing").asBoolean(false);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode created = response.putArray("new_members");
        ArrayNode updated = response.putArray("updated_members");
        ArrayNode errors = response.putArray("errors");
        for (JsonNode m : body.path("members")) {
            String email = m.path("email_address").asText().toLowerCase(Locale.ROOT);
            String hash = hash(email);
            ObjectNode existing = members.get(hash);
            if (existing != null && !updateExisting) {
                errors.addObject().put("email_address", email).put("error", email + " is already a list member.")
                        .put("error_code", "ERROR_CONTACT_EXISTS");
                continue;
            }
            ObjectNode member = existing != null ? existing : JSON.createObjectNode();
            member.put("id", hash).put("email_address", email).put("status", m.path("status").asText("subscribed"));
            members.put(hash, member);
            if (member.path("status").asText().equals("unsubscribed")) {
                markOptedOut(email);
            }
            (existing != null ? updated : created).add(member.deepCopy());
        }
        response.put("total_created", created.size()).put("total_updated", updated.size())
                .put("error_count", errors.size());
        json(exchange, 200, response);
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", "https://mailchimp.com/developer/marketing/docs/errors/").put("title", title)
                .put("status", status).put("detail", detail).put("instance", java.util.UUID.randomUUID().toString());
        send(exchange, status, "application/problem+json", p.toString());
    }

    @Override
    Object contacts() {
        Map<String, Object> view = new TreeMap<>();
        lists.forEach((id, members) -> {
            Map<String, String> statuses = new TreeMap<>();
            members.values().forEach(m -> statuses.put(m.path("email_address").asText(), m.path("status").asText()));
            view.put(id, statuses);
        });
        return view;
    }
}
