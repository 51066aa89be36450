package io.lethe.demo.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Amplitude's User Privacy API v1 (vendor-apis.md §7), strict: HTTP Basic {@code API_KEY:SECRET_KEY};
 * {@code POST /api/2/deletions/users} JSON with {@code user_ids} and/or {@code amplitude_ids} (1..100 in all),
 * {@code requester}; an id Amplitude does not know refuses the whole call (400, nothing marked) unless
 * {@code ignore_invalid_id} is true, when it is listed in {@code invalid_ids}. Deletions are grouped in one job per
 * day (the job's {@code day}, three days ahead: they can be revoked until then); {@code GET
 * /api/2/deletions/users?start_day&end_day} (both required, at most six months apart) lists the jobs by day, each
 * staging → submitted → done (moved by {@link #jobs()}). Amplitude has no failed state. One request a second
 * (then 429).
 */
public final class AmplitudeBehaviour implements VendorBehaviour {

    public static final String API_KEY = "amp-sandbox-api-key";
    public static final String SECRET_KEY = "amp-sandbox-secret";
    public static final int MAX_IDS = 100;
    private static final String PATH = "/api/2/deletions/users";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String authorization;
    private final String apiKey;
    private final String secretKey;
    private final Clock clock;
    private final SandboxJobs jobs;
    private final SandboxRateLimit rate;
    private final Map<String, Long> users = new ConcurrentHashMap<>();
    private final AtomicLong nextAmplitudeId = new AtomicLong(100_000_000L);
    private final List<String> requesters = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The demo's Amplitude: a day's job is done 20 s after a deletion is added. */
    public AmplitudeBehaviour() {
        this(API_KEY, SECRET_KEY, Clock.systemUTC(), Duration.ofSeconds(20), 1);
    }

    public AmplitudeBehaviour(String apiKey, String secretKey, Clock clock, Duration autoFinish, int perSecond) {
        this.apiKey = apiKey;
        this.secretKey = secretKey;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((apiKey + ":" + secretKey)
                .getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
        this.jobs = new SandboxJobs(clock, autoFinish);
        this.rate = new SandboxRateLimit(perSecond, 1_000, clock);
    }

    @Override
    public String vendor() {
        return "amplitude";
    }

    public SandboxJobs jobs() {
        return jobs;
    }

    /** Every {@code requester} sent so far (the DPO's address, as the connector says). */
    public List<String> requesters() {
        return List.copyOf(requesters);
    }

    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.amplitude.base-url", baseUrl, "lethe.amplitude.api-key", apiKey,
                "lethe.amplitude.secret-key", secretKey);
    }

    @Override
    public void completeJobs() {
        jobs.finishAll();
    }

    @Override
    public void seed(String email, String externalId) {
        if (externalId != null) {
            users.computeIfAbsent(externalId, k -> nextAmplitudeId.incrementAndGet());
        }
    }

    public boolean holds(String userId) {
        return users.containsKey(userId);
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        if (!authorization.equals(r.header("Authorization"))) {
            return error(401, "Invalid API key or secret key");
        }
        if (!r.path().equals(PATH)) {
            return error(404, "Not found");
        }
        if (!rate.tryAcquire()) {
            return error(429, "Too many requests: 1 request per second");
        }
        return switch (r.method()) {
            case "POST" -> create(r);
            case "GET" -> list(r);
            default -> error(405, "Method not allowed");
        };
    }

    private SandboxResponse create(SandboxRequest r) {
        String type = r.header("Content-Type");
        if (type == null || !type.split(";")[0].trim().equals("application/json")) {
            return error(400, "Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.bodyText());
        } catch (Exception e) {
            return error(400, "Invalid JSON");
        }
        JsonNode userIds = body.path("user_ids");
        JsonNode amplitudeIds = body.path("amplitude_ids");
        if (!body.path("requester").isTextual()) {
            return error(400, "requester is required");
        }
        int count = (userIds.isArray() ? userIds.size() : 0) + (amplitudeIds.isArray() ? amplitudeIds.size() : 0);
        if (count == 0) {
            return error(400, "user_ids or amplitude_ids is required");
        }
        if (count > MAX_IDS) {
            return error(400, "At most " + MAX_IDS + " ids per request");
        }
        boolean ignoreInvalid = body.path("ignore_invalid_id").asBoolean(false);
        List<String> valid = new ArrayList<>();
        ArrayNode invalid = JSON.createArrayNode();
        for (JsonNode id : userIds) {
            if (users.containsKey(id.asText())) {
                valid.add(id.asText());
            } else {
                invalid.add(id.asText());
            }
        }
        for (JsonNode id : amplitudeIds) {
            String user = users.entrySet().stream().filter(e -> e.getValue() == id.asLong()).map(Map.Entry::getKey)
                    .findFirst().orElse(null);
            if (user != null) {
                valid.add(user);
            } else {
                invalid.add(id.asLong());
            }
        }
        if (!invalid.isEmpty() && !ignoreInvalid) {
            ObjectNode e = JSON.createObjectNode().put("error", "Invalid ids; nothing was marked for deletion");
            e.set("invalid_ids", invalid);
            return SandboxResponse.json(400, e.toString());
        }
        String requester = body.path("requester").asText();
        requesters.add(requester);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        String day = today.plusDays(3).toString();
        SandboxJobs.Job job = jobs.create("deletion", valid, j -> j.ids.forEach(users::remove));
        job.attributes.put("day", day);
        ObjectNode answer = JSON.createObjectNode().put("day", day).put("status", "staging");
        ArrayNode ids = answer.putArray("amplitude_ids");
        for (String user : valid) {
            ids.addObject().put("amplitude_id", users.get(user)).put("requester", requester)
                    .put("requested_on_day", today.toString()).put("user_id", user);
        }
        answer.put("app", 123456);
        if (!invalid.isEmpty()) {
            answer.set("invalid_ids", invalid);
        }
        return SandboxResponse.json(200, answer.toString());
    }

    private SandboxResponse list(SandboxRequest r) {
        Map<String, String> q = r.queryParams();
        LocalDate start;
        LocalDate end;
        try {
            start = LocalDate.parse(q.getOrDefault("start_day", ""));
            end = LocalDate.parse(q.getOrDefault("end_day", ""));
        } catch (DateTimeParseException e) {
            return error(400, "start_day and end_day are required (YYYY-MM-DD)");
        }
        if (end.isBefore(start) || ChronoUnit.DAYS.between(start, end) > 184) {
            return error(400, "end_day must be after start_day and at most 6 months later");
        }
        Map<String, List<SandboxJobs.Job>> byDay = new TreeMap<>();
        for (SandboxJobs.Job j : jobs.all()) {
            LocalDate day = LocalDate.parse(j.attributes.get("day"));
            if (!day.isBefore(start) && !day.isAfter(end)) {
                byDay.computeIfAbsent(j.attributes.get("day"), k -> new ArrayList<>()).add(j);
            }
        }
        ArrayNode answer = JSON.createArrayNode();
        for (Map.Entry<String, List<SandboxJobs.Job>> d : byDay.entrySet()) {
            ObjectNode day = answer.addObject().put("day", d.getKey());
            boolean allDone = d.getValue().stream().allMatch(j -> j.state() == SandboxJobs.State.DONE);
            boolean anyQueued = d.getValue().stream().anyMatch(j -> j.state() == SandboxJobs.State.QUEUED);
            day.put("status", allDone ? "done" : anyQueued ? "staging" : "submitted");
            ArrayNode ids = day.putArray("amplitude_ids");
            d.getValue().forEach(j -> j.ids.forEach(u -> ids.addObject().put("user_id", u)));
            day.put("app", 123456);
            if (allDone) {
                day.put("active_scrub_done_date", d.getKey());
            }
        }
        return SandboxResponse.json(200, answer.toString());
    }

    private static SandboxResponse error(int status, String message) {
        return SandboxResponse.json(status, JSON.createObjectNode().put("error", message).toString());
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("users", users.size());
        state.put("deletions", jobs.describe());
        return state;
    }
}
