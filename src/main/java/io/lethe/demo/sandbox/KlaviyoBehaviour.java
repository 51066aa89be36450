package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.StrictRequests.JSON;
import static io.lethe.demo.sandbox.StrictRequests.lower;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Klaviyo API, revision 2026-07-15 (https://developers.klaviyo.com/en/reference/api_overview): JSON:API bodies
 * ({@code application/vnd.api+json}), {@code Authorization: Klaviyo-API-Key <private key>}, a {@code revision} header
 * on every call; bulk unsubscribe of at most 100 profiles; data-privacy deletion jobs of exactly one identifier, only
 * queued (they land after {@link #jobs()}' delay or {@code completeAll()}); profiles filtered with {@code any}/{@code
 * equals} on email (quoted strings only, anything else refused), pages of at most 100. Each endpoint's burst (1 s)
 * and steady (1 min) windows answered with 429 and {@code Retry-After}, Klaviyo's {@code errors[]} bodies.
 */
public final class KlaviyoBehaviour implements VendorBehaviour {

    private static final Pattern REVISION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(\\.[a-z]+)?");
    private static final Pattern ANY_EMAIL = Pattern.compile("any\\(email,\\[(.*)]\\)");
    /** One string literal of Klaviyo's filter syntax: double or single quotes, no escapes, then a comma or the end. */
    private static final Pattern LITERAL = Pattern.compile("(\"[^\"]*\"|'[^']*')(,|$)");
    private static final Pattern EQUALS_EMAIL = Pattern.compile("equals\\(email,(\"[^\"]*\"|'[^']*')\\)");
    private static final Pattern UPDATED_AFTER = Pattern.compile("greater-than\\(updated,([^)\"']+)\\)");

    /** One Klaviyo profile. */
    public static final class Profile {
        public final String id = "01" + UUID.randomUUID().toString().replace("-", "").substring(0, 24).toUpperCase();
        public volatile String email;
        public volatile String firstName;
        public volatile String lastName;
        public volatile String phone;
        public volatile String consent = "SUBSCRIBED";
        volatile Instant updated;
    }

    private record Bucket(SlidingWindow burst, SlidingWindow steady) {
        /** Seconds to wait, or 0 when a permit was taken. */
        long take() {
            if (!burst.tryAcquire()) {
                return burst.secondsUntilReset();
            }
            return steady.tryAcquire() ? 0 : steady.secondsUntilReset();
        }
    }

    private final String apiKey;
    private final Clock clock;
    private final PendingJobs jobs;
    private final Map<String, Profile> profiles = new ConcurrentSkipListMap<>();
    private final Bucket profilesBucket;
    private final Bucket subscriptionsBucket;
    private final Bucket deletionBucket;

    public KlaviyoBehaviour() {
        this("sandbox-klaviyo-key", Clock.systemUTC(), Duration.ofSeconds(20));
    }

    /** @param deletionDelay how long a deletion job takes (null: only {@code jobs().completeAll()}) */
    public KlaviyoBehaviour(String apiKey, Clock clock, Duration deletionDelay) {
        this.apiKey = apiKey;
        this.clock = clock;
        this.jobs = new PendingJobs(clock, deletionDelay);
        profilesBucket = new Bucket(new SlidingWindow(75, 1000, clock), new SlidingWindow(750, 60_000, clock));
        subscriptionsBucket = new Bucket(new SlidingWindow(75, 1000, clock), new SlidingWindow(750, 60_000, clock));
        deletionBucket = new Bucket(new SlidingWindow(3, 1000, clock), new SlidingWindow(60, 60_000, clock));
    }

    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.klaviyo.base-url", baseUrl, "lethe.klaviyo.api-key", apiKey);
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
        return "klaviyo";
    }

    @Override
    public void seed(String email, String externalId) {
        Profile p = new Profile();
        p.email = email;
        p.updated = clock.instant();
        profiles.put(p.id, p);
    }

    /** The profile's deletion has run (what a deletion job does when it lands), for tests that queue none. */
    public void forget(String email) {
        profiles.values().removeIf(p -> p.email != null && lower(p.email).equals(lower(email)));
    }

    public Profile profile(String email) {
        return profiles.values().stream().filter(p -> p.email != null && lower(p.email).equals(lower(email)))
                .findFirst().orElse(null);
    }

    /** The profile's e-mail marketing consent (SUBSCRIBED, UNSUBSCRIBED), or null when no profile has the address. */
    public String consent(String email) {
        Profile p = profile(email);
        return p == null ? null : p.consent;
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        jobs.runDue();
        String auth = r.header("Authorization");
        if (auth == null || !auth.equals("Klaviyo-API-Key " + apiKey)) {
            return error(401, "not_authenticated", "Incorrect authentication credentials.", null);
        }
        String revision = r.header("revision");
        if (revision == null || !REVISION.matcher(revision).matches()) {
            return error(400, "invalid", "A valid revision header (YYYY-MM-DD) is required.", "revision");
        }
        boolean hasBody = r.method().equals("POST") || r.method().equals("PATCH");
        if (hasBody && !StrictRequests.contentTypeIs(r, "application/vnd.api+json")) {
            return error(415, "unsupported_media_type", "Content-Type must be application/vnd.api+json.", null);
        }
        String route = r.method() + " " + (r.path().startsWith("/api/profiles/") ? "/api/profiles/{id}"
                : r.path().replaceAll("/$", ""));
        Bucket bucket = switch (route) {
            case "GET /api/profiles", "PATCH /api/profiles/{id}" -> profilesBucket;
            case "POST /api/profile-subscription-bulk-delete-jobs" -> subscriptionsBucket;
            case "POST /api/data-privacy-deletion-jobs" -> deletionBucket;
            default -> null;
        };
        if (bucket == null) {
            return error(404, "not_found", "Not found.", null);
        }
        long wait = bucket.take();
        if (wait > 0) {
            return error(429, "throttled", "Request was throttled. Expected available in " + wait + " seconds.", null)
                    .withHeader("Retry-After", String.valueOf(wait));
        }
        JsonNode body = hasBody ? StrictRequests.json(r) : null;
        if (hasBody && (body == null || !body.path("data").isObject())) {
            return error(400, "invalid", "The body must be a JSON:API document with data.", "/data");
        }
        SandboxResponse answer = switch (route) {
            case "GET /api/profiles" -> list(r);
            case "PATCH /api/profiles/{id}" -> update(r.path().substring("/api/profiles/".length()), body.get("data"));
            case "POST /api/profile-subscription-bulk-delete-jobs" -> unsubscribe(body.get("data"));
            default -> deletion(body.get("data"));
        };
        // Non-429 answers carry the steady window's state (IETF RateLimit-* header fields).
        return answer.withHeader("RateLimit-Limit", String.valueOf(bucket.steady().limit()))
                .withHeader("RateLimit-Remaining", String.valueOf(bucket.steady().remaining()))
                .withHeader("RateLimit-Reset", String.valueOf(bucket.steady().secondsUntilReset()));
    }

    private SandboxResponse unsubscribe(JsonNode data) {
        if (!"profile-subscription-bulk-delete-job".equals(data.path("type").asText())) {
            return error(409, "conflict", "data.type must be profile-subscription-bulk-delete-job.", "/data/type");
        }
        JsonNode list = data.path("attributes").path("profiles").path("data");
        if (!list.isArray() || list.isEmpty() || list.size() > 100) {
            return error(400, "invalid", "profiles.data takes 1 to 100 profiles.", "/data/attributes/profiles/data");
        }
        List<String> emails = new ArrayList<>();
        for (JsonNode p : list) {
            JsonNode a = p.path("attributes");
            if (!"profile".equals(p.path("type").asText()) || !a.path("email").isTextual()
                    || !StrictRequests.plausibleEmail(a.get("email").asText())) {
                return error(400, "invalid", "Each profile needs type profile and a valid email.",
                        "/data/attributes/profiles/data");
            }
            if (!"UNSUBSCRIBED".equals(a.path("subscriptions").path("email").path("marketing").path("consent").asText())) {
                return error(400, "invalid", "subscriptions.email.marketing.consent must be UNSUBSCRIBED.",
                        "/data/attributes/profiles/data/subscriptions");
            }
            emails.add(a.get("email").asText());
        }
        for (String e : emails) {
            Profile p = profile(e);
            if (p != null) {
                p.consent = "UNSUBSCRIBED";
                p.updated = clock.instant();
            }
        }
        return SandboxResponse.empty(202);
    }

    private SandboxResponse deletion(JsonNode data) {
        if (!"data-privacy-deletion-job".equals(data.path("type").asText())) {
            return error(409, "conflict", "data.type must be data-privacy-deletion-job.", "/data/type");
        }
        JsonNode profile = data.path("attributes").path("profile").path("data");
        JsonNode a = profile.path("attributes");
        int given = (a.hasNonNull("email") ? 1 : 0) + (a.hasNonNull("phone_number") ? 1 : 0)
                + (profile.hasNonNull("id") ? 1 : 0);
        if (!"profile".equals(profile.path("type").asText()) || given != 1) {
            return error(400, "invalid", "Exactly one of email, phone_number or id identifies the profile.",
                    "/data/attributes/profile/data");
        }
        if (!a.hasNonNull("email")) {
            return error(400, "invalid", "This sandbox deletes by email only.", "/data/attributes/profile/data");
        }
        String email = a.get("email").asText();
        jobs.add(UUID.randomUUID().toString(),
                () -> profiles.values().removeIf(p -> p.email != null && lower(p.email).equals(lower(email))));
        return SandboxResponse.empty(202);
    }

    private SandboxResponse update(String id, JsonNode data) {
        Profile p = profiles.get(id);
        if (!"profile".equals(data.path("type").asText()) || !id.equals(data.path("id").asText())
                || !data.path("attributes").isObject()) {
            return error(409, "conflict", "data.type must be profile and data.id the path's id.", "/data/id");
        }
        if (p == null) {
            return error(404, "not_found", "A profile with id " + id + " does not exist.", null);
        }
        JsonNode a = data.get("attributes");
        if (a.hasNonNull("email")) {
            if (!StrictRequests.plausibleEmail(a.get("email").asText())) {
                return error(400, "invalid", "Invalid email address.", "/data/attributes/email");
            }
            p.email = a.get("email").asText();
        }
        if (a.hasNonNull("first_name")) {
            p.firstName = a.get("first_name").asText();
        }
        if (a.hasNonNull("last_name")) {
            p.lastName = a.get("last_name").asText();
        }
        if (a.hasNonNull("phone_number")) {
            p.phone = a.get("phone_number").asText();
        }
        p.updated = clock.instant();
        ObjectNode out = JSON.createObjectNode();
        out.set("data", render(p, true));
        return json(200, out);
    }

    private SandboxResponse list(SandboxRequest r) {
        Map<String, List<String>> q = StrictRequests.query(r);
        String filter = StrictRequests.first(q, "filter");
        int size;
        try {
            size = Integer.parseInt(q.getOrDefault("page[size]", List.of("20")).get(0));
        } catch (NumberFormatException e) {
            size = -1;
        }
        if (size < 1 || size > 100) {
            return error(400, "invalid", "page[size] must be 1 to 100.", "page[size]");
        }
        List<Profile> matching = new ArrayList<>();
        if (filter == null) {
            matching.addAll(profiles.values());
        } else {
            Matcher any = ANY_EMAIL.matcher(filter);
            Matcher eq = EQUALS_EMAIL.matcher(filter);
            Matcher after = UPDATED_AFTER.matcher(filter);
            if (any.matches() || eq.matches()) {
                List<String> wanted = any.matches() ? literals(any.group(1)) : literals(eq.group(1));
                if (wanted == null) {
                    return error(400, "invalid", "Invalid filter provided.", "filter");
                }
                profiles.values().stream().filter(p -> p.email != null && wanted.contains(lower(p.email)))
                        .forEach(matching::add);
            } else if (after.matches()) {
                Instant since;
                try {
                    since = OffsetDateTime.parse(after.group(1)).toInstant();
                } catch (DateTimeParseException e) {
                    return error(400, "invalid", "Invalid datetime in filter.", "filter");
                }
                profiles.values().stream().filter(p -> p.updated.isAfter(since)).forEach(matching::add);
            } else {
                return error(400, "invalid", "Invalid filter provided.", "filter");
            }
        }
        boolean subscriptions = q.getOrDefault("additional-fields[profile]", List.of()).stream()
                .anyMatch(v -> List.of(v.split(",")).contains("subscriptions"));
        int offset = 0;
        String cursor = StrictRequests.first(q, "page[cursor]");
        if (cursor != null) {
            try {
                offset = Integer.parseInt(cursor.substring(1));
            } catch (RuntimeException e) {
                return error(400, "invalid", "Invalid page cursor.", "page[cursor]");
            }
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode data = out.putArray("data");
        for (int i = offset; i < Math.min(matching.size(), offset + size); i++) {
            data.add(render(matching.get(i), subscriptions));
        }
        ObjectNode links = out.putObject("links");
        if (offset + size < matching.size()) {
            links.put("next", nextLink(r, "c" + (offset + size)));
        } else {
            links.putNull("next");
        }
        return json(200, out);
    }

    /**
     * The values of {@code any(email,[...])} or {@code equals(email,...)}, lower-cased: one or more quoted strings
     * separated by commas, nothing else (a bare word, an empty list, a stray quote or a trailing comma is Klaviyo's
     * "Invalid filter provided."); null when malformed.
     */
    static List<String> literals(String list) {
        List<String> values = new ArrayList<>();
        Matcher m = LITERAL.matcher(list);
        int at = 0;
        while (at < list.length()) {
            if (!m.find(at) || m.start() != at) {
                return null;
            }
            String quoted = m.group(1);
            values.add(lower(quoted.substring(1, quoted.length() - 1)));
            at = m.end();
            if (m.group(2).equals(",") && at == list.length()) {
                return null; // a trailing comma
            }
        }
        return values.isEmpty() ? null : values;
    }

    /** Klaviyo's next link: the same request with the next cursor, as an absolute URL on the host called. */
    private static String nextLink(SandboxRequest r, String cursor) {
        StringBuilder query = new StringBuilder();
        for (String pair : r.rawQuery() == null ? new String[0] : r.rawQuery().split("&")) {
            if (!pair.startsWith("page%5Bcursor%5D=") && !pair.startsWith("page[cursor]=") && !pair.isEmpty()) {
                query.append(query.length() == 0 ? "" : "&").append(pair);
            }
        }
        query.append(query.length() == 0 ? "" : "&").append("page%5Bcursor%5D=")
                .append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        return "http://" + r.header("Host") + r.path() + "?" + query;
    }

    private ObjectNode render(Profile p, boolean subscriptions) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "profile");
        n.put("id", p.id);
        ObjectNode a = n.putObject("attributes");
        a.put("email", p.email);
        a.put("phone_number", p.phone);
        a.put("first_name", p.firstName);
        a.put("last_name", p.lastName);
        a.put("updated", p.updated.toString());
        if (subscriptions) {
            ObjectNode marketing = a.putObject("subscriptions").putObject("email").putObject("marketing");
            marketing.put("can_receive_email_marketing", p.consent.equals("SUBSCRIBED"));
            marketing.put("consent", p.consent);
            marketing.putArray("suppression");
            marketing.putArray("list_suppressions");
        }
        return n;
    }

    private static SandboxResponse json(int status, ObjectNode body) {
        return new SandboxResponse(status, Map.of("Content-Type", "application/vnd.api+json"), body.toString());
    }

    private static SandboxResponse error(int status, String code, String detail, String parameter) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode e = out.putArray("errors").addObject();
        e.put("id", UUID.randomUUID().toString());
        e.put("status", status);
        e.put("code", code);
        e.put("title", code.replace('_', ' '));
        e.put("detail", detail);
        ObjectNode source = e.putObject("source");
        if (parameter != null && parameter.startsWith("/")) {
            source.put("pointer", parameter);
        } else if (parameter != null) {
            source.put("parameter", parameter);
        }
        return json(status, out);
    }

    @Override
    public Map<String, Object> state() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Profile p : profiles.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id);
            m.put("email", p.email);
            m.put("consent", p.consent);
            list.add(m);
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("profiles", list);
        state.put("pendingDeletionJobs", jobs.pending());
        return state;
    }
}
