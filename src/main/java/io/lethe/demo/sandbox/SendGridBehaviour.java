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
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Twilio SendGrid v3 (https://www.twilio.com/docs/sendgrid/api-reference): Bearer API key, JSON bodies; global
 * suppressions; the recipients' data erase job (1 to 5,000 addresses and at most 256 KB, 100 requests a minute);
 * Marketing Campaigns contacts (look-up of at most 100 by e-mail, 404 when none matches; deletion by ids as an
 * asynchronous job whose state {@code GET /v3/marketing/contacts/imports/{id}} reports; upsert). Over a limit: 429
 * {@code too many requests} with {@code X-RateLimit-*} headers (reset in epoch seconds).
 */
public final class SendGridBehaviour implements VendorBehaviour {

    /** The erase job's payload limit ("256Kb"; read as 256,000 bytes, the stricter reading). */
    public static final int ERASE_MAX_BYTES = 256_000;

    /** One marketing contact. */
    public static final class Contact {
        public final String id = UUID.randomUUID().toString();
        public volatile String email;
        public volatile String firstName;
        public volatile String lastName;
        public volatile String phone;
    }

    private final String apiKey;
    private final Clock clock;
    private final PendingJobs jobs;
    private final Map<String, Contact> contacts = new ConcurrentHashMap<>();
    /** Global suppressions: lower-cased address → epoch seconds added. */
    private final Map<String, Long> suppressed = new LinkedHashMap<>();
    /** Addresses with e-mail activity (what the erase job removes). */
    private final Set<String> activity = ConcurrentHashMap.newKeySet();
    private final Map<String, SlidingWindow> limits = new ConcurrentHashMap<>();

    public SendGridBehaviour() {
        this("sandbox-sendgrid-key", Clock.systemUTC(), Duration.ofSeconds(10));
    }

    /** @param jobDelay how long a contacts deletion job stays pending (null: only {@code jobs().completeAll()}) */
    public SendGridBehaviour(String apiKey, Clock clock, Duration jobDelay) {
        this.apiKey = apiKey;
        this.clock = clock;
        this.jobs = new PendingJobs(clock, jobDelay);
    }

    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.sendgrid.base-url", baseUrl, "lethe.sendgrid.api-key", apiKey);
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
        return "sendgrid";
    }

    /** A marketing contact who has had mail (so the erase job has something to erase). */
    @Override
    public void seed(String email, String externalId) {
        Contact c = new Contact();
        c.email = lower(email);
        contacts.put(c.id, c);
        activity.add(lower(email));
    }

    public boolean isSuppressed(String email) {
        synchronized (suppressed) {
            return suppressed.containsKey(lower(email));
        }
    }

    public boolean hasContact(String email) {
        return contact(email) != null;
    }

    public boolean hasActivity(String email) {
        return activity.contains(lower(email));
    }

    Contact contact(String email) {
        return contacts.values().stream().filter(c -> c.email.equals(lower(email))).findFirst().orElse(null);
    }

    public Contact contactByEmail(String email) {
        return contact(email);
    }

    private SlidingWindow limit(String route) {
        // erasejob's documented 100 a minute; elsewhere SendGrid's default of 600 a minute per user.
        return limits.computeIfAbsent(route, k -> k.equals("POST /v3/recipients/erasejob")
                ? new SlidingWindow(100, 60_000, clock) : new SlidingWindow(600, 60_000, clock));
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        jobs.runDue();
        String route = route(r);
        if (route == null) {
            return errors(404, null, "resource not found", null);
        }
        String auth = r.header("Authorization");
        if (auth == null || !auth.equals("Bearer " + apiKey)) {
            return errors(401, null, "authorization required", null);
        }
        SlidingWindow limit = limit(route);
        if (!limit.tryAcquire()) {
            return errors(429, null, "too many requests", limit);
        }
        boolean hasBody = r.method().equals("POST") || r.method().equals("PUT");
        if (hasBody && !StrictRequests.contentTypeIs(r, "application/json")) {
            return errors(415, null, "Content-Type should be application/json", limit);
        }
        JsonNode body = hasBody ? StrictRequests.json(r) : null;
        if (hasBody && (body == null || !body.isObject())) {
            return errors(400, null, "invalid JSON", limit);
        }
        SandboxResponse answer = switch (route) {
            case "POST /v3/asm/suppressions/global" -> suppress(body);
            case "GET /v3/suppression/unsubscribes" -> unsubscribes(r);
            case "POST /v3/recipients/erasejob" -> erase(body, r.body().length);
            case "POST /v3/marketing/contacts/search/identifiers/email" -> search(body);
            case "DELETE /v3/marketing/contacts" -> deleteContacts(r);
            case "PUT /v3/marketing/contacts" -> upsert(body);
            default -> jobStatus(r.path().substring("/v3/marketing/contacts/imports/".length()));
        };
        return withLimitHeaders(answer, limit);
    }

    private static String route(SandboxRequest r) {
        String key = r.method() + " " + r.path();
        return switch (key) {
            case "POST /v3/asm/suppressions/global", "GET /v3/suppression/unsubscribes", "POST /v3/recipients/erasejob",
                    "POST /v3/marketing/contacts/search/identifiers/email", "DELETE /v3/marketing/contacts",
                    "PUT /v3/marketing/contacts" -> key;
            default -> r.method().equals("GET") && r.path().startsWith("/v3/marketing/contacts/imports/")
                    ? "GET /v3/marketing/contacts/imports/{id}" : null;
        };
    }

    private SandboxResponse suppress(JsonNode body) {
        JsonNode emails = body.get("recipient_emails");
        if (emails == null || !emails.isArray()) {
            return errors(400, "recipient_emails", "recipient_emails is required and must be an array", null);
        }
        for (JsonNode e : emails) {
            if (!e.isTextual() || !StrictRequests.plausibleEmail(e.asText())) {
                return errors(400, "recipient_emails", "invalid email address", null);
            }
        }
        ArrayNode echoed = JSON.createArrayNode();
        synchronized (suppressed) {
            for (JsonNode e : emails) {
                suppressed.putIfAbsent(lower(e.asText()), clock.millis() / 1000);
                echoed.add(e.asText());
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("recipient_emails", echoed);
        return SandboxResponse.json(201, out.toString());
    }

    private SandboxResponse unsubscribes(SandboxRequest r) {
        Map<String, List<String>> q = StrictRequests.query(r);
        int limit;
        int offset;
        long start;
        try {
            limit = Integer.parseInt(q.getOrDefault("limit", List.of("500")).get(0));
            offset = Integer.parseInt(q.getOrDefault("offset", List.of("0")).get(0));
            start = Long.parseLong(q.getOrDefault("start_time", List.of("0")).get(0));
        } catch (NumberFormatException e) {
            return errors(400, "limit", "limit, offset and start_time must be integers", null);
        }
        if (limit < 1 || limit > 500 || offset < 0) {
            return errors(400, "limit", "limit must be 1 to 500 and offset at least 0", null);
        }
        ArrayNode out = JSON.createArrayNode();
        synchronized (suppressed) {
            List<Map.Entry<String, Long>> since = suppressed.entrySet().stream().filter(e -> e.getValue() >= start).toList();
            for (int i = offset; i < Math.min(since.size(), offset + limit); i++) {
                ObjectNode n = out.addObject();
                n.put("created", since.get(i).getValue());
                n.put("email", since.get(i).getKey());
            }
        }
        return SandboxResponse.json(200, out.toString());
    }

    private SandboxResponse erase(JsonNode body, int bytes) {
        JsonNode emails = body.get("email_addresses");
        if (emails == null || !emails.isArray() || emails.isEmpty() || emails.size() > 5000) {
            return errors(400, "email_addresses", "email_addresses takes 1 to 5000 addresses", null);
        }
        if (bytes > ERASE_MAX_BYTES) {
            return errors(400, "email_addresses", "payload exceeds 256Kb", null);
        }
        for (JsonNode e : emails) {
            if (!e.isTextual() || !StrictRequests.plausibleEmail(e.asText())) {
                return errors(400, "email_addresses", "invalid email address", null);
            }
        }
        emails.forEach(e -> activity.remove(lower(e.asText())));
        return SandboxResponse.json(202, "{\"job_id\":\"" + UUID.randomUUID() + "\"}");
    }

    private SandboxResponse search(JsonNode body) {
        JsonNode ids = body.get("identifiers");
        if (ids == null || !ids.isArray() || ids.isEmpty() || ids.size() > 100) {
            return errors(400, "identifiers", "identifiers takes 1 to 100 values", null);
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode result = out.putObject("result");
        int found = 0;
        for (JsonNode id : ids) {
            if (!id.isTextual() || !StrictRequests.plausibleEmail(id.asText())) {
                return errors(400, "identifiers", "invalid email address", null);
            }
            Contact c = contact(id.asText());
            if (c == null) {
                result.putObject(lower(id.asText())).put("error", "contact not found");
            } else {
                found++;
                ObjectNode n = result.putObject(c.email).putObject("contact");
                n.put("id", c.id);
                n.put("email", c.email);
                n.put("first_name", c.firstName);
                n.put("last_name", c.lastName);
                n.put("phone_number", c.phone);
                n.putArray("list_ids");
                n.putArray("segment_ids");
            }
        }
        return found == 0 ? errors(404, null, "No contacts found", null) : SandboxResponse.json(200, out.toString());
    }

    private SandboxResponse deleteContacts(SandboxRequest r) {
        Map<String, List<String>> q = StrictRequests.query(r);
        String ids = StrictRequests.first(q, "ids");
        boolean all = "true".equals(StrictRequests.first(q, "delete_all_contacts"));
        if ((ids == null || ids.isBlank()) == !all) {
            return errors(400, "ids", "set either ids or delete_all_contacts", null);
        }
        List<String> targets = all ? List.copyOf(contacts.keySet()) : List.of(ids.split(","));
        String jobId = UUID.randomUUID().toString();
        jobs.add(jobId, () -> targets.forEach(contacts::remove));
        return SandboxResponse.json(202, "{\"job_id\":\"" + jobId + "\"}");
    }

    private SandboxResponse upsert(JsonNode body) {
        JsonNode list = body.get("contacts");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 30_000) {
            return errors(400, "contacts", "contacts takes 1 to 30000 contacts", null);
        }
        for (JsonNode c : list) {
            if (!c.path("email").isTextual() || !StrictRequests.plausibleEmail(c.get("email").asText())) {
                return errors(400, "contacts[].email", "each contact needs a valid email", null);
            }
        }
        for (JsonNode in : list) {
            Contact c = contact(in.get("email").asText());
            if (c == null) {
                c = new Contact();
                c.email = lower(in.get("email").asText());
                contacts.put(c.id, c);
            }
            if (in.hasNonNull("first_name")) {
                c.firstName = in.get("first_name").asText();
            }
            if (in.hasNonNull("last_name")) {
                c.lastName = in.get("last_name").asText();
            }
            if (in.hasNonNull("phone_number")) {
                c.phone = in.get("phone_number").asText();
            }
        }
        return SandboxResponse.json(202, "{\"job_id\":\"" + UUID.randomUUID() + "\"}");
    }

    private SandboxResponse jobStatus(String id) {
        if (!jobs.isPending(id) && !jobs.isDone(id)) {
            return errors(404, null, "job not found", null);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id);
        out.put("status", jobs.isDone(id) ? "completed" : "pending");
        out.put("job_type", "delete");
        return SandboxResponse.json(200, out.toString());
    }

    private SandboxResponse withLimitHeaders(SandboxResponse r, SlidingWindow limit) {
        if (limit == null) {
            return r;
        }
        return r.withHeader("X-RateLimit-Limit", String.valueOf(limit.limit()))
                .withHeader("X-RateLimit-Remaining", String.valueOf(limit.remaining()))
                .withHeader("X-RateLimit-Reset", String.valueOf((limit.resetAtMillis() + 999) / 1000));
    }

    private SandboxResponse errors(int status, String field, String message, SlidingWindow limit) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode e = out.putArray("errors").addObject();
        if (field == null) {
            e.putNull("field");
        } else {
            e.put("field", field);
        }
        e.put("message", message);
        return withLimitHeaders(SandboxResponse.json(status, out.toString()), limit);
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("contacts", contacts.values().stream().map(c -> c.email).sorted().toList());
        synchronized (suppressed) {
            state.put("globalSuppressions", new ArrayList<>(suppressed.keySet()));
        }
        state.put("addressesWithActivity", activity.size());
        state.put("pendingJobs", jobs.pending());
        return state;
    }
}
