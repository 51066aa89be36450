package io.lethe.demo.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mixpanel's GDPR API v3 under {@code /api/app} (vendor-specs/mixpanel/gdpr.openapi.yaml, vendor-apis.md §6), strict:
 * {@code Authorization: Bearer <GDPR OAuth token>} and {@code ?token=<project token>} on every call, JSON bodies with
 * {@code distinct_ids} (1..1,999) and {@code compliance_type} GDPR|CCPA, 201 {@code {"status":"ok","results":
 * {"task_id"}}}; deletion and retrieval status PENDING → STARTED → SUCCESS or FAILURE (moved by {@link #jobs()});
 * cancel while PENDING; one request a second (then 429 {@code {"error","status":"error"}}). A finished retrieval's
 * {@code results} is a link to the export file, which this sandbox serves under {@code /api/app/_exports/}.
 */
public final class MixpanelBehaviour implements VendorBehaviour {

    public static final String OAUTH_TOKEN = "mp-gdpr-sandbox-token";
    public static final String PROJECT_TOKEN = "mp-project-sandbox";
    public static final int MAX_IDS = 1_999;
    private static final String ROOT = "/api/app";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String oauthToken;
    private final String projectToken;
    private final SandboxJobs jobs;
    private final SandboxRateLimit rate;
    private final Set<String> profiles = ConcurrentHashMap.newKeySet();
    private final Map<String, String> exports = new ConcurrentHashMap<>();

    /** The demo's Mixpanel: tasks finish 20 s after they are created. */
    public MixpanelBehaviour() {
        this(OAUTH_TOKEN, PROJECT_TOKEN, Clock.systemUTC(), Duration.ofSeconds(20), 1);
    }

    /**
     * @param autoFinish null: tasks advance only through {@link #jobs()} (tests)
     * @param perSecond  requests a second before 429 (Mixpanel: 1)
     */
    public MixpanelBehaviour(String oauthToken, String projectToken, Clock clock, Duration autoFinish, int perSecond) {
        this.oauthToken = oauthToken;
        this.projectToken = projectToken;
        this.jobs = new SandboxJobs(clock, autoFinish);
        this.rate = new SandboxRateLimit(perSecond, 1_000, clock);
    }

    @Override
    public String vendor() {
        return "mixpanel";
    }

    public SandboxJobs jobs() {
        return jobs;
    }

    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.mixpanel.base-url", baseUrl + ROOT, "lethe.mixpanel.token", oauthToken,
                "lethe.mixpanel.project-token", projectToken);
    }

    @Override
    public void completeJobs() {
        jobs.finishAll();
    }

    @Override
    public void seed(String email, String externalId) {
        if (externalId != null) {
            profiles.add(externalId);
        }
    }

    public boolean holds(String distinctId) {
        return profiles.contains(distinctId);
    }

    @Override
    public SandboxResponse handle(SandboxRequest r) {
        if (!("Bearer " + oauthToken).equals(r.header("Authorization"))) {
            return error(401, "Invalid OAuth token");
        }
        if (!projectToken.equals(r.queryParams().get("token"))) {
            return error(403, "Invalid project token");
        }
        if (!rate.tryAcquire()) {
            return error(429, "Rate limit exceeded: 1 request per second");
        }
        String path = r.path().endsWith("/") ? r.path().substring(0, r.path().length() - 1) : r.path();
        if (!path.startsWith(ROOT + "/")) {
            return error(404, "Not found");
        }
        path = path.substring(ROOT.length());
        if (r.method().equals("POST") && (path.equals("/data-deletions/v3.0") || path.equals("/data-retrievals/v3.0"))) {
            return create(r, path.contains("deletions") ? "deletion" : "retrieval");
        }
        if (path.startsWith("/data-deletions/v3.0/") || path.startsWith("/data-retrievals/v3.0/")) {
            String id = path.substring(path.lastIndexOf('/') + 1);
            String kind = path.contains("deletions") ? "deletion" : "retrieval";
            if (r.method().equals("GET")) {
                return status(id, kind, r);
            }
            if (r.method().equals("DELETE") && kind.equals("deletion")) {
                return cancel(id);
            }
        }
        if (r.method().equals("GET") && path.startsWith("/_exports/")) {
            String file = exports.get(path.substring("/_exports/".length()));
            return file == null ? error(404, "Not found") : SandboxResponse.json(200, file);
        }
        return error(404, "Not found");
    }

    private SandboxResponse create(SandboxRequest r, String kind) {
        String type = r.header("Content-Type");
        if (type == null || !type.split(";")[0].trim().equals("application/json")) {
            return error(415, "Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.bodyText());
        } catch (Exception e) {
            return error(400, "Invalid JSON body");
        }
        JsonNode ids = body.path("distinct_ids");
        if (!ids.isArray() || ids.isEmpty()) {
            return error(400, "distinct_ids is required");
        }
        if (ids.size() > MAX_IDS) {
            return error(400, "Too many distinct_ids: at most " + MAX_IDS + " per request");
        }
        String compliance = body.path("compliance_type").asText("GDPR");
        if (!compliance.equals("GDPR") && !compliance.equals("CCPA")) {
            return error(400, "compliance_type must be GDPR or CCPA");
        }
        if (kind.equals("retrieval") && body.has("disclosure_type")
                && !Set.of("Data", "Categories", "Sources").contains(body.path("disclosure_type").asText())) {
            return error(400, "disclosure_type must be Data, Categories or Sources");
        }
        List<String> distinctIds = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.isTextual()) {
                return error(400, "distinct_ids must be strings");
            }
            distinctIds.add(id.asText());
        }
        SandboxJobs.Job job = jobs.create(kind, distinctIds, kind.equals("deletion")
                ? j -> j.ids.forEach(profiles::remove)
                : j -> exports.put(j.id, exportOf(j.ids)));
        job.attributes.put("compliance_type", compliance);
        job.attributes.put("host", r.header("Host") == null ? "127.0.0.1" : r.header("Host"));
        ObjectNode answer = JSON.createObjectNode().put("status", "ok");
        answer.putObject("results").put("task_id", job.id);
        return SandboxResponse.json(201, answer.toString());
    }

    private String exportOf(List<String> ids) {
        ArrayNode people = JSON.createArrayNode();
        ids.stream().filter(profiles::contains).forEach(id -> people.addObject().put("distinct_id", id)
                .putArray("events").addObject().put("event", "Page View"));
        return people.toString();
    }

    private SandboxResponse status(String id, String kind, SandboxRequest r) {
        SandboxJobs.Job job = jobs.find(id);
        if (job == null || !job.kind.equals(kind)) {
            return error(404, "Task not found");
        }
        String status = job.attributes.containsKey("revoked") ? "REVOKED" : switch (job.state()) {
            case QUEUED -> "PENDING";
            case RUNNING -> "STARTED";
            case DONE -> "SUCCESS";
            case FAILED -> "FAILURE";
        };
        ObjectNode answer = JSON.createObjectNode().put("status", "ok");
        ObjectNode results = answer.putObject("results");
        ArrayNode ids = JSON.createArrayNode();
        job.ids.forEach(ids::add);
        if (kind.equals("deletion")) {
            results.put("tracking_id", job.id);
            results.put("status", status);
            results.put("requesting_user", "dpo@sandbox.invalid");
            results.put("compliance_type", job.attributes.get("compliance_type"));
            results.put("project_id", 1234567);
            results.put("date_requested", DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
                    .format(job.created.atOffset(ZoneOffset.UTC)));
        } else {
            results.put("status", status);
            results.put("results", status.equals("SUCCESS")
                    ? "http://" + job.attributes.get("host") + ROOT + "/_exports/" + job.id : "");
        }
        results.set("distinct_ids", ids);
        return SandboxResponse.json(200, answer.toString());
    }

    private SandboxResponse cancel(String id) {
        SandboxJobs.Job job = jobs.find(id);
        if (job == null || !job.kind.equals("deletion")) {
            return error(404, "Task not found");
        }
        if (job.state() != SandboxJobs.State.QUEUED) {
            return error(400, "Only PENDING tasks can be cancelled");
        }
        job.attributes.put("revoked", "true");
        return SandboxResponse.empty(204);
    }

    private static SandboxResponse error(int status, String message) {
        return SandboxResponse.json(status, JSON.createObjectNode().put("error", message).put("status", "error").toString());
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("profiles", profiles.size());
        state.put("tasks", jobs.describe());
        return state;
    }
}
