package io.lethe.demo.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Segment's Public API, Deletion and Suppression (workspace regulations), as strict as the vendor
 * (shared/notes/vendor-apis.md §5, vendor-specs/segment): {@code POST /regulations} with a bearer token, content type
 * {@code application/vnd.segment.v1+json} or {@code application/json}, all of {@code regulationType},
 * {@code subjectType} ({@code USER_ID}|{@code OBJECT_ID}) and {@code subjectIds} (1..5,000), answered
 * {@code {"data":{"regulateId"}}} with the regulation rate-limit headers; {@code GET /regulations/{id}} with its
 * {@code overallStatus} (INITIALIZED → RUNNING → FINISHED or FAILED, moved by {@link #jobs()}); 600 creations a minute
 * (then 429 with {@code Retry-After}); 110,000 users a calendar month per category (Segment-only: SUPPRESS_ONLY,
 * UNSUPPRESS, *_INTERNAL; Segment &amp; Destination: SUPPRESS_WITH_DELETE, DELETE_ONLY), then 429 with
 * {@code X-RateLimit-Remaining: 0} and {@code X-RateLimit-Reset} (RFC 5322) at the next month.
 */
public final class SegmentBehaviour implements VendorBehaviour {

    public static final String TOKEN = "sgp_sandbox-token";
    public static final int MAX_IDS = 5_000;
    public static final int MONTHLY_USERS = 110_000;
    private static final Set<String> SEGMENT_ONLY = Set.of("SUPPRESS_ONLY", "UNSUPPRESS", "DELETE_INTERNAL",
            "SUPPRESS_WITH_DELETE_INTERNAL", "DELETE_ARCHIVE_ONLY");
    private static final Set<String> WITH_DESTINATIONS = Set.of("SUPPRESS_WITH_DELETE", "DELETE_ONLY");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final Clock clock;
    private final SandboxJobs jobs;
    private final SandboxRateLimit createRate;
    private final int monthlyUsers;
    private final Set<String> users = ConcurrentHashMap.newKeySet();
    private final Set<String> suppressed = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> usedThisMonth = new HashMap<>();
    private YearMonth month;

    /** The demo's Segment: jobs finish 20 s after they are created. */
    public SegmentBehaviour() {
        this(TOKEN, Clock.systemUTC(), Duration.ofSeconds(20), MONTHLY_USERS);
    }

    /** @param autoFinish null: regulations advance only through {@link #jobs()} (tests) */
    public SegmentBehaviour(String token, Clock clock, Duration autoFinish, int monthlyUsers) {
        this.token = token;
        this.clock = clock;
        this.jobs = new SandboxJobs(clock, autoFinish);
        this.createRate = new SandboxRateLimit(600, 60_000, clock);
        this.monthlyUsers = monthlyUsers;
    }

    @Override
    public String vendor() {
        return "segment";
    }

    /** The regulations, for tests to move ({@code startAll}, {@code finishAll}, {@code failNext}). */
    public SandboxJobs jobs() {
        return jobs;
    }

    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.segment.base-url", baseUrl, "lethe.segment.token", token);
    }

    @Override
    public void completeJobs() {
        jobs.finishAll();
    }

    @Override
    public void seed(String email, String externalId) {
        if (externalId != null) {
            users.add(externalId);
        }
    }

    public boolean holds(String userId) {
        return users.contains(userId);
    }

    public boolean suppressed(String userId) {
        return suppressed.contains(userId);
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        if (!("Bearer " + token).equals(r.header("Authorization"))) {
            return error(401, "unauthorized", "Unauthorized");
        }
        if (r.method().equals("POST") && r.path().equals("/regulations")) {
            return create(r);
        }
        if (r.method().equals("GET") && r.path().startsWith("/regulations/")) {
            return status(r.path().substring("/regulations/".length()));
        }
        return error(404, "not-found", "Resource not found");
    }

    private SandboxResponse create(SandboxRequest r) {
        String type = r.header("Content-Type");
        String mediaType = type == null ? "" : type.split(";")[0].trim();
        if (!mediaType.equals("application/vnd.segment.v1+json") && !mediaType.equals("application/json")) {
            return error(415, "unsupported-media-type", "Unsupported Media Type");
        }
        if (!createRate.tryAcquire()) {
            return error(429, "too-many-requests", "Too many requests")
                    .withHeader("Retry-After", Long.toString(createRate.secondsUntilFree()));
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.bodyText());
        } catch (Exception e) {
            return error(400, "bad-request", "Request body is not valid JSON");
        }
        String regulationType = body.path("regulationType").asText(null);
        String subjectType = body.path("subjectType").asText(null);
        JsonNode ids = body.path("subjectIds");
        if (regulationType == null || (!SEGMENT_ONLY.contains(regulationType) && !WITH_DESTINATIONS.contains(regulationType))) {
            return error(400, "bad-request", "regulationType is required and must be one of the regulation types");
        }
        if (!"USER_ID".equals(subjectType) && !"OBJECT_ID".equals(subjectType)) {
            return error(400, "bad-request", "subjectType must be USER_ID or OBJECT_ID");
        }
        if (!ids.isArray() || ids.isEmpty()) {
            return error(400, "bad-request", "subjectIds is required");
        }
        if (ids.size() > MAX_IDS) {
            return error(400, "bad-request", "subjectIds may hold at most " + MAX_IDS + " ids");
        }
        List<String> subjectIds = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isTextual() || id.asText().isEmpty()) {
                return error(400, "bad-request", "subjectIds must be non-empty strings");
            }
            subjectIds.add(id.asText());
        }
        String category = SEGMENT_ONLY.contains(regulationType) ? "segment-only" : "segment-and-destination";
        int remaining;
        synchronized (usedThisMonth) {
            YearMonth now = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC));
            if (!now.equals(month)) {
                month = now;
                usedThisMonth.clear();
            }
            int used = usedThisMonth.getOrDefault(category, 0);
            if (used + subjectIds.size() > monthlyUsers) {
                return error(429, "too-many-requests", "Monthly regulation quota exceeded for this category")
                        .withHeader("X-RateLimit-Remaining", "0")
                        .withHeader("X-RateLimit-Consumed", Integer.toString(used))
                        .withHeader("X-RateLimit-Reset", reset());
            }
            usedThisMonth.put(category, used + subjectIds.size());
            remaining = monthlyUsers - used - subjectIds.size();
        }
        SandboxJobs.Job job = jobs.create(regulationType, subjectIds, this::apply);
        job.attributes.put("subjectType", subjectType);
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("data").put("regulateId", job.id);
        return new SandboxResponse(200, Map.of("Content-Type", "application/vnd.segment.v1+json"), answer.toString())
                .withHeader("X-RateLimit-Remaining", Integer.toString(remaining))
                .withHeader("X-RateLimit-Consumed", Integer.toString(monthlyUsers - remaining))
                .withHeader("X-RateLimit-Reset", reset());
    }

    /** A finished regulation's effect: suppressed from now on, and for deletions the user's data gone. */
    private void apply(SandboxJobs.Job job) {
        switch (job.kind) {
            case "UNSUPPRESS" -> job.ids.forEach(suppressed::remove);
            case "SUPPRESS_ONLY" -> suppressed.addAll(job.ids);
            case "DELETE_ONLY", "DELETE_INTERNAL", "DELETE_ARCHIVE_ONLY" -> job.ids.forEach(users::remove);
            default -> { // SUPPRESS_WITH_DELETE(_INTERNAL)
                suppressed.addAll(job.ids);
                job.ids.forEach(users::remove);
            }
        }
    }

    private SandboxResponse status(String id) {
        SandboxJobs.Job job = jobs.find(id);
        if (job == null) {
            return error(404, "not-found", "Regulation not found");
        }
        ObjectNode regulation = JSON.createObjectNode();
        regulation.put("id", job.id);
        regulation.put("workspaceId", "sandbox-workspace");
        regulation.put("overallStatus", switch (job.state()) {
            case QUEUED -> "INITIALIZED";
            case RUNNING -> "RUNNING";
            case DONE -> "FINISHED";
            case FAILED -> "FAILED";
        });
        regulation.put("createdAt", job.created.toString());
        if (job.finished() != null) {
            regulation.put("finishedAt", job.finished().toString());
        }
        ArrayNode streams = regulation.putArray("streamStatus");
        ObjectNode stream = streams.addObject();
        stream.put("id", job.id + "-s");
        stream.put("status", regulation.get("overallStatus").asText());
        stream.putArray("destinationStatus");
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("data").set("regulation", regulation);
        return new SandboxResponse(200, Map.of("Content-Type", "application/vnd.segment.v1+json"), answer.toString());
    }

    private String reset() {
        LocalDate first = YearMonth.from(clock.instant().atZone(ZoneOffset.UTC)).plusMonths(1).atDay(1);
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(first.atStartOfDay(ZoneOffset.UTC));
    }

    private static SandboxResponse error(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").addObject().put("type", type).put("message", message);
        return new SandboxResponse(status, Map.of("Content-Type", "application/json"), body.toString());
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("users", users.size());
        state.put("suppressed", suppressed.size());
        state.put("regulations", jobs.describe());
        return state;
    }

    /** Ids held and suppressed, for tests. */
    public Set<String> suppressedIds() {
        return new LinkedHashSet<>(suppressed);
    }
}
