package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.StrictRequests.JSON;
import static io.lethe.demo.sandbox.StrictRequests.lower;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Braze REST API (https://www.braze.com/docs/api/): Bearer REST key, JSON bodies, at most 50 addresses per
 * {@code /email/status} and {@code /users/delete} call, one address per {@code /users/export/ids}, 75 objects per
 * {@code /users/track}; deletions are only queued (they land after {@link #jobs()}' delay or {@code completeAll()});
 * per-endpoint limits answered with 429 and {@code X-RateLimit-*} headers (reset in UTC epoch seconds).
 */
public final class BrazeBehaviour implements VendorBehaviour {

    static final Set<String> STATES = Set.of("subscribed", "unsubscribed", "opted_in");
    static final Set<String> DELETE_IDS = Set.of("external_ids", "user_aliases", "braze_ids", "email_addresses",
            "phone_numbers");
    static final Set<String> EXPORT_IDS = Set.of("external_ids", "user_aliases", "device_id", "braze_id",
            "email_address", "phone");

    /** One Braze user profile. */
    public static final class User {
        public final String brazeId = UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        public volatile String externalId;
        public volatile String email;
        public volatile String firstName;
        public volatile String lastName;
        public volatile String phone;
        public volatile String emailSubscribe = "subscribed";
    }

    private final String apiKey;
    private final Clock clock;
    private final PendingJobs jobs;
    private final List<User> users = new CopyOnWriteArrayList<>();
    /** Subscription states set for addresses no user has yet (Braze applies them when one appears). */
    private final Map<String, String> orphanStates = new LinkedHashMap<>();
    private final Map<String, SlidingWindow> limits = new LinkedHashMap<>();

    public BrazeBehaviour() {
        this("sandbox-braze-key", Clock.systemUTC(), Duration.ofSeconds(20));
    }

    /** @param deletionDelay how long a queued deletion takes (null: only {@code jobs().completeAll()}) */
    public BrazeBehaviour(String apiKey, Clock clock, Duration deletionDelay) {
        this.apiKey = apiKey;
        this.clock = clock;
        this.jobs = new PendingJobs(clock, deletionDelay);
        limits.put("/email/status", new SlidingWindow(250_000, 3_600_000, clock));
        limits.put("/users/delete", new SlidingWindow(20_000, 60_000, clock));
        limits.put("/users/export/ids", new SlidingWindow(250, 60_000, clock));
        limits.put("/users/track", new SlidingWindow(3_000, 3_000, clock));
    }

    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.braze.base-url", baseUrl, "lethe.braze.api-key", apiKey);
    }

    @Override
    public void completeJobs() {
        jobs.completeAll();
    }

    public PendingJobs jobs() {
        return jobs;
    }

    @Override
    public String vendor() {
        return "braze";
    }

    @Override
    public void seed(String email, String externalId) {
        User u = new User();
        u.email = email;
        u.externalId = externalId;
        synchronized (orphanStates) {
            u.emailSubscribe = orphanStates.getOrDefault(lower(email), u.emailSubscribe);
        }
        users.add(u);
    }

    /** The users holding this address (case-insensitive). */
    public List<User> users(String email) {
        return users.stream().filter(u -> u.email != null && lower(u.email).equals(lower(email))).toList();
    }

    public String emailSubscribe(String email) {
        List<User> found = users(email);
        return found.isEmpty() ? null : found.get(0).emailSubscribe;
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        jobs.runDue();
        SlidingWindow limit = limits.get(r.path());
        if (limit == null || !r.method().equals("POST")) {
            return error(404, "Not Found", null);
        }
        String auth = r.header("Authorization");
        if (auth == null || !auth.equals("Bearer " + apiKey)) {
            return error(401, "Invalid API key: the request needs Authorization: Bearer <REST API key>", null);
        }
        if (!StrictRequests.contentTypeIs(r, "application/json")) {
            return error(400, "Content-Type must be application/json", limit);
        }
        if (!limit.tryAcquire()) {
            return error(429, "API rate limit reached", limit);
        }
        JsonNode body = StrictRequests.json(r);
        if (body == null || !body.isObject()) {
            return error(400, "Invalid JSON body", limit);
        }
        SandboxResponse answer = switch (r.path()) {
            case "/email/status" -> emailStatus(body);
            case "/users/delete" -> delete(body);
            case "/users/export/ids" -> export(body);
            default -> track(body);
        };
        return withLimitHeaders(answer, limit);
    }

    private SandboxResponse emailStatus(JsonNode body) {
        JsonNode email = body.get("email");
        String state = body.path("subscription_state").asText(null);
        if (email == null || !(email.isTextual() || email.isArray())) {
            return error(400, "email is required (a string or an array of up to 50)", null);
        }
        if (state == null || !STATES.contains(state)) {
            return error(400, "subscription_state must be subscribed, unsubscribed or opted_in", null);
        }
        List<String> emails = new ArrayList<>();
        if (email.isTextual()) {
            emails.add(email.asText());
        } else {
            if (email.size() > 50 || email.isEmpty()) {
                return error(400, "email takes 1 to 50 addresses", null);
            }
            email.forEach(e -> emails.add(e.asText()));
        }
        for (String e : emails) {
            if (!StrictRequests.plausibleEmail(e)) {
                return error(400, "invalid email address in email", null);
            }
        }
        for (String e : emails) {
            List<User> found = users(e);
            found.forEach(u -> u.emailSubscribe = state);
            if (found.isEmpty()) {
                synchronized (orphanStates) {
                    orphanStates.put(lower(e), state);
                }
            }
        }
        return SandboxResponse.json(201, "{\"message\":\"success\"}");
    }

    private SandboxResponse delete(JsonNode body) {
        List<String> given = new ArrayList<>();
        body.fieldNames().forEachRemaining(given::add);
        List<String> ids = given.stream().filter(DELETE_IDS::contains).toList();
        if (ids.size() != 1) {
            return error(400, "exactly one of external_ids, user_aliases, braze_ids, email_addresses, phone_numbers", null);
        }
        JsonNode list = body.get(ids.get(0));
        if (!list.isArray() || list.isEmpty() || list.size() > 50) {
            return error(400, ids.get(0) + " takes 1 to 50 entries", null);
        }
        if (!ids.get(0).equals("email_addresses")) {
            return error(400, "this sandbox deletes by email_addresses only", null);
        }
        List<User> queued = new ArrayList<>();
        for (JsonNode entry : list) {
            String email = entry.path("email").asText(null);
            JsonNode prioritization = entry.get("prioritization");
            if (email == null || !StrictRequests.plausibleEmail(email)) {
                return error(400, "email_addresses[].email must be an e-mail address", null);
            }
            if (prioritization == null || !prioritization.isArray() || prioritization.isEmpty()) {
                return error(400, "email_addresses[].prioritization is required", null);
            }
            // Braze deletes one user per address: the prioritization picks it when several share the address.
            users(email).stream().findFirst().ifPresent(queued::add);
        }
        jobs.add(UUID.randomUUID().toString(), () -> users.removeAll(queued));
        return SandboxResponse.json(201, "{\"deleted\":" + queued.size() + ",\"message\":\"success\"}");
    }

    private SandboxResponse export(JsonNode body) {
        List<String> given = new ArrayList<>();
        body.fieldNames().forEachRemaining(given::add);
        List<String> ids = given.stream().filter(EXPORT_IDS::contains).toList();
        if (ids.size() != 1) {
            return error(400, "exactly one of external_ids, user_aliases, device_id, braze_id, email_address, phone", null);
        }
        if (!ids.get(0).equals("email_address") || !body.get("email_address").isTextual()) {
            return error(400, "this sandbox exports by email_address (one string) only", null);
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode found = out.putArray("users");
        for (User u : users(body.get("email_address").asText())) {
            ObjectNode n = found.addObject();
            n.put("braze_id", u.brazeId);
            if (u.externalId != null) {
                n.put("external_id", u.externalId);
            }
            n.put("email", u.email);
            n.put("first_name", u.firstName);
            n.put("last_name", u.lastName);
            n.put("phone", u.phone);
            n.put("email_subscribe", u.emailSubscribe);
        }
        out.put("message", "success");
        return SandboxResponse.json(201, out.toString());
    }

    private SandboxResponse track(JsonNode body) {
        int objects = body.path("attributes").size() + body.path("events").size() + body.path("purchases").size();
        if (objects == 0 || objects > 75) {
            return error(400, "a request takes 1 to 75 attributes, events and purchases in total", null);
        }
        int processed = 0;
        for (JsonNode a : body.path("attributes")) {
            String brazeId = a.path("braze_id").asText(null);
            if (brazeId == null) {
                return error(400, "this sandbox updates attributes by braze_id only", null);
            }
            for (User u : users) {
                if (u.brazeId.equals(brazeId)) {
                    if (a.hasNonNull("email")) {
                        u.email = a.get("email").asText();
                    }
                    if (a.hasNonNull("first_name")) {
                        u.firstName = a.get("first_name").asText();
                    }
                    if (a.hasNonNull("last_name")) {
                        u.lastName = a.get("last_name").asText();
                    }
                    if (a.hasNonNull("phone")) {
                        u.phone = a.get("phone").asText();
                    }
                    processed++;
                }
            }
        }
        return SandboxResponse.json(201, "{\"message\":\"success\",\"attributes_processed\":" + processed + "}");
    }

    private SandboxResponse withLimitHeaders(SandboxResponse r, SlidingWindow limit) {
        if (limit == null) {
            return r;
        }
        return r.withHeader("x-ratelimit-limit", String.valueOf(limit.limit()))
                .withHeader("x-ratelimit-remaining", String.valueOf(limit.remaining()))
                .withHeader("x-ratelimit-reset", String.valueOf((limit.resetAtMillis() + 999) / 1000));
    }

    private SandboxResponse error(int status, String message, SlidingWindow limit) {
        return withLimitHeaders(SandboxResponse.json(status, "{\"message\":" + StrictRequests.quote(message) + "}"), limit);
    }

    @Override
    public Map<String, Object> state() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (User u : users) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("braze_id", u.brazeId);
            m.put("email", u.email);
            m.put("email_subscribe", u.emailSubscribe);
            list.add(m);
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("users", list);
        state.put("queuedDeletions", jobs.pending());
        return state;
    }
}
