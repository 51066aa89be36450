package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.StrictRequests.JSON;
import static io.lethe.demo.sandbox.StrictRequests.lower;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Intercom REST API 2.14 (https://developers.intercom.com/docs/references/2.14/rest-api/api.intercom.io): Bearer
 * access token, JSON bodies, an optional {@code Intercom-Version} of the published ones; contacts searched by e-mail
 * ({@code =} or {@code IN}, at most 150 per page), a subscription type attached with its own consent type (attaching
 * the opt-out marketing type opts the contact out), contacts deleted and updated by id. 10,000 calls a minute per app,
 * enforced in 10-second windows of 1,666; over it: 429 {@code rate_limit_exceeded} with {@code X-RateLimit-*}
 * headers (reset in epoch seconds).
 */
public final class IntercomBehaviour implements VendorBehaviour {

    static final Set<String> VERSIONS = Set.of("1.0", "1.1", "1.2", "1.3", "1.4", "2.0", "2.1", "2.2", "2.3", "2.4",
            "2.5", "2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14");

    /** One contact (a user or lead). */
    public static final class Contact {
        public final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        public volatile String externalId;
        public volatile String email;
        public volatile String phone;
        public volatile String name;
        /** The contact's global e-mail unsubscribe (Intercom's unsubscribed_from_emails). */
        public volatile boolean unsubscribedFromEmails;
        public volatile long updatedAt;
        public final Set<String> optedOutOf = ConcurrentHashMap.newKeySet();
    }

    private final String token;
    private final String marketingTypeId;
    /** Subscription type id → its consent type (opt_out: subscribed unless opted out; opt_in: the reverse). */
    private final Map<String, String> subscriptionTypes = new LinkedHashMap<>();
    private final Map<String, Contact> contacts = new ConcurrentSkipListMap<>();
    private final SlidingWindow limit;
    private final Clock clock;

    public IntercomBehaviour() {
        this("sandbox-intercom-token", "37846", Clock.systemUTC());
    }

    /** @param marketingTypeId the workspace's marketing e-mail subscription type (consent type opt_out) */
    public IntercomBehaviour(String token, String marketingTypeId, Clock clock) {
        this.token = token;
        this.marketingTypeId = marketingTypeId;
        subscriptionTypes.put(marketingTypeId, "opt_out");
        subscriptionTypes.put("37847", "opt_in");
        limit = new SlidingWindow(1666, 10_000, clock);
        this.clock = clock;
    }

    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.intercom.base-url", baseUrl, "lethe.intercom.token", token,
                "lethe.intercom.subscription-type-id", marketingTypeId);
    }

    @Override
    public String vendor() {
        return "intercom";
    }

    @Override
    public void seed(String email, String externalId) {
        Contact c = new Contact();
        c.email = email;
        c.externalId = externalId;
        c.updatedAt = clock.millis() / 1000;
        contacts.put(c.id, c);
    }

    /** The person unsubscribes from all e-mail inside Intercom (its own unsubscribe link). */
    public void unsubscribeFromEmails(String email) {
        contacts(email).forEach(c -> {
            c.unsubscribedFromEmails = true;
            c.updatedAt = clock.millis() / 1000;
        });
    }

    public List<Contact> contacts(String email) {
        return contacts.values().stream().filter(c -> c.email != null && lower(c.email).equals(lower(email))).toList();
    }

    /** True when some contact has this address and has opted out of the subscription type. */
    public boolean optedOut(String email, String typeId) {
        return contacts(email).stream().anyMatch(c -> c.optedOutOf.contains(typeId));
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        String auth = r.header("Authorization");
        if (auth == null || !auth.equals("Bearer " + token)) {
            return error(401, "unauthorized", "Access Token Invalid");
        }
        String version = r.header("Intercom-Version");
        if (version != null && !VERSIONS.contains(version)) {
            return error(400, "intercom_version_invalid", "The requested version could not be found");
        }
        if (!limit.tryAcquire()) {
            return withLimitHeaders(error(429, "rate_limit_exceeded", "Exceeded rate limit of 1666 in 10_seconds"));
        }
        boolean hasBody = r.method().equals("POST") || r.method().equals("PUT");
        if (hasBody && !StrictRequests.contentTypeIs(r, "application/json")) {
            return withLimitHeaders(error(415, "unsupported_media_type", "Content-Type must be application/json"));
        }
        JsonNode body = hasBody ? StrictRequests.json(r) : null;
        if (hasBody && (body == null || !body.isObject())) {
            return withLimitHeaders(error(400, "parameter_invalid", "The body must be a JSON object"));
        }
        String[] parts = r.path().split("/");
        SandboxResponse answer;
        if (r.method().equals("POST") && r.path().equals("/contacts/search")) {
            answer = search(body);
        } else if (parts.length == 3 && parts[1].equals("contacts") && r.method().equals("DELETE")) {
            answer = delete(parts[2]);
        } else if (parts.length == 3 && parts[1].equals("contacts") && r.method().equals("PUT")) {
            answer = update(parts[2], body);
        } else if (parts.length == 4 && parts[1].equals("contacts") && parts[3].equals("subscriptions")
                && r.method().equals("POST")) {
            answer = attach(parts[2], body);
        } else {
            answer = error(404, "not_found", "Resource Not Found");
        }
        return withLimitHeaders(answer);
    }

    private SandboxResponse search(JsonNode body) {
        JsonNode query = body.get("query");
        if (query == null || !query.isObject()) {
            return error(400, "parameter_not_found", "query is required");
        }
        int perPage = body.path("pagination").path("per_page").asInt(50);
        if (perPage < 1 || perPage > 150) {
            return error(400, "parameter_invalid", "per_page must be 1 to 150");
        }
        java.util.function.Predicate<Contact> filter = filter(query);
        if (filter == null) {
            return error(400, "parameter_invalid", "This sandbox searches email (= or IN), unsubscribed_from_emails"
                    + " (=) and updated_at (>, <), combined with AND or OR");
        }
        // Cursor pagination: starting_after is the last contact id of the previous page (opaque to the caller).
        String after = body.path("pagination").path("starting_after").asText(null);
        List<Contact> matches = contacts.values().stream().filter(filter).toList();
        List<Contact> rest = after == null ? matches
                : matches.stream().filter(c -> c.id.compareTo(after) > 0).toList();
        List<Contact> page = rest.stream().limit(perPage).toList();
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "list");
        ArrayNode data = out.putArray("data");
        page.forEach(c -> data.add(render(c)));
        out.put("total_count", matches.size());
        ObjectNode pages = out.putObject("pages");
        pages.put("type", "pages");
        pages.put("page", 1 + (matches.size() - rest.size()) / perPage);
        pages.put("per_page", perPage);
        pages.put("total_pages", Math.max(1, (matches.size() + perPage - 1) / perPage));
        if (rest.size() > page.size()) {
            pages.putObject("next").put("per_page", perPage).put("starting_after", page.get(page.size() - 1).id);
        }
        return SandboxResponse.json(200, out.toString());
    }

    /** The contacts a search query selects, or null for a query this sandbox does not take. */
    private static java.util.function.Predicate<Contact> filter(JsonNode query) {
        String operator = query.path("operator").asText();
        JsonNode value = query.get("value");
        if ((operator.equals("AND") || operator.equals("OR")) && value != null && value.isArray() && !value.isEmpty()) {
            java.util.function.Predicate<Contact> all = null;
            for (JsonNode part : value) {
                java.util.function.Predicate<Contact> p = filter(part);
                if (p == null) {
                    return null;
                }
                all = all == null ? p : operator.equals("AND") ? all.and(p) : all.or(p);
            }
            return all;
        }
        String field = query.path("field").asText();
        if (field.equals("email") && operator.equals("=") && value != null && value.isTextual()) {
            String wanted = lower(value.asText());
            return c -> c.email != null && lower(c.email).equals(wanted);
        }
        if (field.equals("email") && operator.equals("IN") && value != null && value.isArray()) {
            List<String> wanted = new ArrayList<>();
            value.forEach(v -> wanted.add(lower(v.asText())));
            return c -> c.email != null && wanted.contains(lower(c.email));
        }
        if (field.equals("unsubscribed_from_emails") && operator.equals("=") && value != null && value.isBoolean()) {
            boolean wanted = value.asBoolean();
            return c -> c.unsubscribedFromEmails == wanted;
        }
        if (field.equals("updated_at") && (operator.equals(">") || operator.equals("<")) && value != null
                && value.canConvertToLong()) {
            long at = value.asLong();
            return operator.equals(">") ? c -> c.updatedAt > at : c -> c.updatedAt < at;
        }
        return null;
    }

    private SandboxResponse attach(String id, JsonNode body) {
        Contact c = contacts.get(id);
        if (c == null) {
            return error(404, "not_found", "User Not Found");
        }
        if (!body.path("id").isTextual() || !body.path("consent_type").isTextual()) {
            return error(400, "parameter_not_found", "id (a string) and consent_type are required");
        }
        String typeId = body.get("id").asText();
        String consentType = subscriptionTypes.get(typeId);
        if (consentType == null) {
            return error(404, "not_found", "Subscription type not found");
        }
        if (!consentType.equals(body.get("consent_type").asText())) {
            return error(400, "parameter_invalid", "consent_type does not match the subscription type's");
        }
        if (consentType.equals("opt_out")) {
            c.optedOutOf.add(typeId);
            c.updatedAt = clock.millis() / 1000;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "subscription");
        out.put("id", typeId);
        out.put("state", "live");
        out.put("consent_type", consentType);
        ArrayNode channels = out.putArray("content_types");
        channels.add("email");
        return SandboxResponse.json(200, out.toString());
    }

    private SandboxResponse delete(String id) {
        Contact c = contacts.remove(id);
        if (c == null) {
            return error(404, "not_found", "User Not Found");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "contact");
        out.put("id", c.id);
        out.put("external_id", c.externalId);
        out.put("deleted", true);
        return SandboxResponse.json(200, out.toString());
    }

    private SandboxResponse update(String id, JsonNode body) {
        Contact c = contacts.get(id);
        if (c == null) {
            return error(404, "not_found", "User Not Found");
        }
        if (body.hasNonNull("email")) {
            if (!StrictRequests.plausibleEmail(body.get("email").asText())) {
                return error(400, "parameter_invalid", "Invalid email");
            }
            c.email = body.get("email").asText();
        }
        if (body.hasNonNull("phone")) {
            c.phone = body.get("phone").asText();
        }
        if (body.hasNonNull("name")) {
            c.name = body.get("name").asText();
        }
        c.updatedAt = clock.millis() / 1000;
        return SandboxResponse.json(200, render(c).toString());
    }

    private ObjectNode render(Contact c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "contact");
        n.put("id", c.id);
        n.put("workspace_id", "sandbox");
        n.put("external_id", c.externalId);
        n.put("role", "user");
        n.put("email", c.email);
        n.put("phone", c.phone);
        n.put("name", c.name);
        n.put("unsubscribed_from_emails", c.unsubscribedFromEmails);
        n.put("updated_at", c.updatedAt);
        return n;
    }

    private SandboxResponse withLimitHeaders(SandboxResponse r) {
        return r.withHeader("X-RateLimit-Limit", String.valueOf(limit.limit()))
                .withHeader("X-RateLimit-Remaining", String.valueOf(limit.remaining()))
                .withHeader("X-RateLimit-Reset", String.valueOf((limit.resetAtMillis() + 999) / 1000));
    }

    private static SandboxResponse error(int status, String code, String message) {
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "error.list");
        out.put("request_id", UUID.randomUUID().toString());
        ObjectNode e = out.putArray("errors").addObject();
        e.put("code", code);
        e.put("message", message);
        return SandboxResponse.json(status, out.toString());
    }

    @Override
    public Map<String, Object> state() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Contact c : contacts.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id);
            m.put("email", c.email);
            m.put("optedOutOf", List.copyOf(c.optedOutOf));
            list.add(m);
        }
        return Map.of("contacts", list);
    }
}
