package io.lethe.demo.sandbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * HubSpot as its API answers (shared/notes/vendor-apis.md §2): communication preferences v4 {@code batch/unsubscribe-all}
 * and the unsubscribe-all status, CRM v3 contacts (list paged by {@code after}, {@code batch/read} by e-mail,
 * {@code batch/update}, {@code gdpr-delete}). Strict like HubSpot: a private-app Bearer token, JSON bodies, at most
 * 100 inputs per batch, the fields HubSpot's schema requires, 100 requests per rolling 10 s and a daily allowance,
 * each refused with HubSpot's own 429 body ({@code policyName}) and {@code X-HubSpot-RateLimit-*} headers.
 */
public final class HubSpotBehaviour implements VendorBehaviour {

    public static final String DEMO_TOKEN = "demo-hubspot-token";
    public static final String OPT_OUT = "/communication-preferences/v4/statuses/batch/unsubscribe-all";
    public static final String STATUS_PREFIX = "/communication-preferences/v4/statuses/";
    public static final String CONTACTS = "/crm/v3/objects/contacts";
    public static final String BATCH_READ = CONTACTS + "/batch/read";
    public static final String BATCH_UPDATE = CONTACTS + "/batch/update";
    public static final String GDPR_DELETE = CONTACTS + "/gdpr-delete";
    /** Inputs per batch call (CRM batch endpoints and the preferences batch alike). */
    public static final int BATCH_MAX = 100;
    /** Batch read with property history takes fewer inputs (community report, see vendor-apis.md). */
    public static final int BATCH_READ_WITH_HISTORY_MAX = 50;
    /** Contacts per list page at most. */
    public static final int PAGE_MAX = 100;

    private final String token;
    private final HubSpotContacts contacts;
    private final RollingWindow tenSecondly;
    private final long dailyLimit = 250_000; // Free/Starter
    private volatile long usedToday;
    private volatile int pageCap = PAGE_MAX;
    private final Map<String, Long> optedOutAt = new ConcurrentHashMap<>();

    public HubSpotBehaviour(String token) {
        this(token, 100, System::currentTimeMillis);
    }

    /** With a 10-second allowance other than Free/Starter's 100 and a clock tests can move. */
    public HubSpotBehaviour(String token, int perTenSeconds, LongSupplier clockMillis) {
        this.token = token;
        this.contacts = new HubSpotContacts(clockMillis);
        this.tenSecondly = new RollingWindow(perTenSeconds, 10_000, clockMillis);
    }

    public HubSpotBehaviour() {
        this(DEMO_TOKEN);
    }

    @Override
    public String vendor() {
        return "hubspot";
    }

    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.hubspot.base-url", baseUrl, "lethe.hubspot.token", token);
    }

    @Override
    public void seed(String email, String externalId) {
        contacts.add(email, Map.of());
    }

    /** A contact with more properties (firstname, lastname, ...), as an access export would find it. */
    public void seed(String email, Map<String, String> properties) {
        contacts.add(email, properties);
    }

    /** Sets how many calls are left today; 0 makes every call a 429 with policyName DAILY. */
    public void dailyRemaining(long remaining) {
        synchronized (this) {
            usedToday = dailyLimit - remaining;
        }
    }

    /** Answers at most {@code n} contacts per list page whatever the limit asked (shows paging with few contacts). */
    public void pageCap(int n) {
        pageCap = n;
    }

    /** Back to an empty portal with full allowances (between tests). */
    public void reset() {
        contacts.clear();
        tenSecondly.clear();
        optedOutAt.clear();
        synchronized (this) {
            usedToday = 0;
        }
        pageCap = PAGE_MAX;
    }

    public HubSpotContacts contacts() {
        return contacts;
    }

    /** When the address was first unsubscribed from all e-mail here (epoch ms), or null: for benchmarks. */
    public Long optedOutAt(String email) {
        return optedOutAt.get(email.toLowerCase(Locale.ROOT));
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("contacts", contacts.view());
        state.put("unsubscribedFromAllEmail", contacts.unsubscribedView());
        state.put("gdprBlocklisted", contacts.blocklistSize());
        return state;
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        if (!("Bearer " + token).equals(r.header("Authorization"))) {
            return error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found. This API supports OAuth 2.0"
                    + " authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
        }
        SandboxResponse limited = takePermit();
        if (limited != null) {
            return limited;
        }
        return withLimitHeaders(route(r));
    }

    private SandboxResponse route(SandboxRequest r) {
        String path = r.path();
        if (r.method().equals("GET") && path.equals(CONTACTS)) {
            return list(r);
        }
        if (r.method().equals("GET") && path.startsWith(STATUS_PREFIX) && path.endsWith("/unsubscribe-all")) {
            String email = path.substring(STATUS_PREFIX.length(), path.length() - "/unsubscribe-all".length());
            if (!"EMAIL".equals(Query.param(r, "channel"))) {
                return error(400, "VALIDATION_ERROR", "channel is required and must be EMAIL");
            }
            ObjectNode answer = Json.object().put("status", "COMPLETE");
            ArrayNode results = answer.putArray("results");
            if (contacts.unsubscribedFromAll(email)) {
                results.addObject().put("wideStatusType", "PORTAL_WIDE").put("status", "UNSUBSCRIBED")
                        .put("subscriberIdString", email.toLowerCase(Locale.ROOT)).put("channel", "EMAIL");
            }
            return SandboxResponse.json(200, answer.toString());
        }
        if (!r.method().equals("POST")) {
            return error(404, "OBJECT_NOT_FOUND", "Resource not found");
        }
        if (!Json.isJson(r.header("Content-Type"))) {
            return error(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type: the body must be application/json");
        }
        JsonNode body = Json.parse(r.body());
        if (body == null || !body.isObject()) {
            return error(400, "VALIDATION_ERROR", "Invalid input JSON: the body is not a JSON object");
        }
        return switch (path) {
            case OPT_OUT -> unsubscribeAll(r, body);
            case BATCH_READ -> HubSpotBatches.read(contacts, body);
            case BATCH_UPDATE -> HubSpotBatches.update(contacts, body);
            case GDPR_DELETE -> gdprDelete(body);
            default -> error(404, "OBJECT_NOT_FOUND", "Resource not found");
        };
    }

    private SandboxResponse unsubscribeAll(SandboxRequest r, JsonNode body) {
        if (!"EMAIL".equals(Query.param(r, "channel"))) {
            return error(400, "VALIDATION_ERROR", "channel is required and must be EMAIL");
        }
        JsonNode inputs = body.path("inputs");
        if (!inputs.isArray() || inputs.isEmpty() || inputs.size() > BATCH_MAX) {
            return error(400, "VALIDATION_ERROR", "inputs must be an array of 1 to " + BATCH_MAX + " e-mail addresses");
        }
        String now = Instant.now().toString();
        ObjectNode answer = Json.object();
        ArrayNode results = Json.array();
        ArrayNode errors = Json.array();
        for (JsonNode input : inputs) {
            String email = input.isTextual() ? input.asText() : "";
            if (!Json.looksLikeEmail(email)) {
                ObjectNode e = errors.addObject().put("status", "error").put("category", "VALIDATION_ERROR")
                        .put("message", "Invalid email address");
                e.putObject("context").putArray("subscriberIdString").add(input.asText());
                continue;
            }
            contacts.unsubscribeFromAll(email);
            optedOutAt.putIfAbsent(email.toLowerCase(Locale.ROOT), System.currentTimeMillis());
            ObjectNode result = results.addObject().put("subscriberIdString", email.toLowerCase(Locale.ROOT));
            result.putArray("wideStatuses").addObject().put("subscriberIdString", email.toLowerCase(Locale.ROOT))
                    .put("wideStatusType", "PORTAL_WIDE").put("status", "UNSUBSCRIBED").put("channel", "EMAIL")
                    .put("timestamp", now);
        }
        answer.put("status", "COMPLETE").set("results", results);
        if (!errors.isEmpty()) {
            answer.put("numErrors", errors.size()).set("errors", errors);
        }
        answer.put("requestedAt", now).put("startedAt", now).put("completedAt", now);
        return SandboxResponse.json(errors.isEmpty() ? 200 : 207, answer.toString());
    }

    /**
     * Permanent deletion by e-mail: 204. An address HubSpot does not hold is still blocklisted (the spec says so) and
     * answered 404, which is what tells the hub the person was never there.
     */
    private SandboxResponse gdprDelete(JsonNode body) {
        if (!body.path("objectId").isTextual() || body.path("objectId").asText().isBlank()) {
            return error(400, "VALIDATION_ERROR", "objectId is required");
        }
        String objectId = body.path("objectId").asText();
        boolean byEmail = body.path("idProperty").asText("").equals("email");
        boolean held = byEmail ? contacts.gdprDeleteByEmail(objectId) : contacts.gdprDeleteById(objectId);
        return held ? SandboxResponse.empty(204) : error(404, "OBJECT_NOT_FOUND", "resource not found");
    }

    private SandboxResponse list(SandboxRequest r) {
        String limitText = Query.param(r, "limit");
        int limit;
        try {
            limit = limitText == null ? 10 : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            return error(400, "VALIDATION_ERROR", "limit must be an integer");
        }
        if (limit < 1 || limit > PAGE_MAX) {
            return error(400, "VALIDATION_ERROR", "limit must be between 1 and " + PAGE_MAX);
        }
        String properties = Query.param(r, "properties");
        return SandboxResponse.json(200, contacts.page(Query.param(r, "after"), Math.min(limit, pageCap),
                properties == null ? new String[0] : properties.split(",")).toString());
    }

    private synchronized SandboxResponse takePermit() {
        if (usedToday >= dailyLimit) {
            return withLimitHeaders(rateLimited("You have reached your daily limit.", "DAILY"));
        }
        if (!tenSecondly.tryTake()) {
            return withLimitHeaders(rateLimited("You have reached your ten_secondly_rolling limit.", "TEN_SECONDLY_ROLLING"));
        }
        usedToday++;
        return null;
    }

    private SandboxResponse withLimitHeaders(SandboxResponse answer) {
        long daily;
        synchronized (this) {
            daily = Math.max(0, dailyLimit - usedToday);
        }
        return answer.withHeader("X-HubSpot-RateLimit-Daily", String.valueOf(dailyLimit))
                .withHeader("X-HubSpot-RateLimit-Daily-Remaining", String.valueOf(daily))
                .withHeader("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
                .withHeader("X-HubSpot-RateLimit-Max", String.valueOf(tenSecondly.max()))
                .withHeader("X-HubSpot-RateLimit-Remaining", String.valueOf(tenSecondly.remaining()));
    }

    private static SandboxResponse rateLimited(String message, String policy) {
        return SandboxResponse.json(429, Json.object().put("status", "error").put("message", message)
                .put("errorType", "RATE_LIMIT").put("correlationId", java.util.UUID.randomUUID().toString())
                .put("policyName", policy).toString());
    }

    /** HubSpot's error envelope. */
    static SandboxResponse error(int status, String category, String message) {
        ObjectNode e = Json.object().put("status", "error").put("message", message)
                .put("correlationId", java.util.UUID.randomUUID().toString());
        if (category != null) {
            e.put("category", category);
        }
        return SandboxResponse.json(status, e.toString());
    }

    /** For tests: what HubSpot holds of one address (null when it holds no contact). */
    public Map<String, String> contact(String email) {
        Map<String, String> c = contacts.properties(email);
        return c == null ? null : new TreeMap<>(c);
    }
}
