package io.lethe.demo.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.connectors.engine.auth.StandardWebhooksSigner;
import io.lethe.connectors.engine.auth.StandardWebhooksVerifier;

/**
 * An in-house system behind a {@code webhook} connector (contract §4), as a careful one would be built: it takes
 * {@code POST /lethe/commands} only as JSON, verifies the Standard Webhooks signature strictly (its verifier: 5-minute
 * tolerance, constant-time), drops a repeated {@code webhook-id} (answering what it answered the first time), refuses
 * a body that is not a {@code lethe.commands} batch, and holds people by e-mail address and external id. Tests script
 * it: {@link Mode#ANSWER} answers 200 with the results, {@link Mode#DEFER} answers 202 and keeps the results until
 * {@link #sendCallback(String)} posts them, signed, to the hub's callback endpoint; {@link #failFor} makes one
 * person's commands {@code failed}. People live in memory only.
 */
public final class WebhookReceiverBehaviour implements VendorBehaviour {

    public static final String PATH = "/lethe/commands";
    /** The receiver's own batch ceiling: a larger batch is 413. */
    public static final int MAX_COMMANDS = 1000;
    /** The demo's shared secret (the demo prints it; never use it for a real system). */
    public static final String DEMO_SECRET = "whsec_ZGVtby1vbmx5LXNlY3JldC1sZXRoZS13ZWJob29rcyE=";
    private static final Set<String> ACTIONS = Set.of("opt_out", "opt_in", "erase", "export", "rectify");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the receiver answers a valid batch. */
    public enum Mode { ANSWER, DEFER }

    private final String vendor;
    private final String secret;
    private final StandardWebhooksVerifier verifier;
    private final StandardWebhooksSigner signer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Person> people = new LinkedHashMap<>();
    private final Map<String, SandboxResponse> answered = new ConcurrentHashMap<>();
    private final List<String> webhookIds = new ArrayList<>();
    private final List<Map<String, Object>> deferred = new ArrayList<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.ANSWER;
    private int duplicates;
    private int refused;

    private static final class Person {
        String email;
        String externalId;
        boolean subscribed = true;
        Map<String, String> fields = new LinkedHashMap<>();
    }

    /** @param secret the connector's {@code whsec_...} secret, shared with the hub */
    public WebhookReceiverBehaviour(String vendor, String secret) {
        this(vendor, secret, Clock.systemUTC());
    }

    public WebhookReceiverBehaviour(String vendor, String secret, Clock clock) {
        this.vendor = vendor;
        this.secret = secret;
        this.verifier = new StandardWebhooksVerifier(secret, clock);
        this.signer = new StandardWebhooksSigner(secret, clock);
    }

    @Override
    public String vendor() {
        return vendor;
    }

    /** The connector's settings for this receiver: its URL and the shared secret. */
    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe." + vendor + ".url", baseUrl + PATH, "lethe." + vendor + ".secret", secret);
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    /** Commands for this address are answered {@code failed} (a system that cannot act for that person). */
    public void failFor(String email) {
        failing.add(email.toLowerCase(Locale.ROOT));
    }

    @Override
    public SandboxResponse handle(SandboxRequest request) {
        if (!request.path().equals(PATH)) {
            return error(404, "no such endpoint");
        }
        if (!request.method().equals("POST")) {
            return error(405, "POST only");
        }
        String contentType = request.header("content-type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return error(415, "application/json only");
        }
        String id = request.header(StandardWebhooksSigner.ID);
        try {
            verifier.verify(id, request.header(StandardWebhooksSigner.TIMESTAMP),
                    request.header(StandardWebhooksSigner.SIGNATURE), request.body());
        } catch (StandardWebhooksVerifier.Refused e) {
            synchronized (this) {
                refused++;
            }
            return error(401, e.getMessage());
        }
        synchronized (this) {
            webhookIds.add(id);
            SandboxResponse first = answered.get(id);
            if (first != null) { // a retry of a message already processed: same answer, nothing done twice
                duplicates++;
                return first;
            }
            SandboxResponse answer = process(request.bodyText());
            if (answer.status() < 300) {
                answered.put(id, answer);
            }
            return answer;
        }
    }

    private SandboxResponse process(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return error(400, "malformed JSON");
        }
        if (root == null || !"lethe.commands".equals(root.path("type").asText())) {
            return error(400, "type must be lethe.commands");
        }
        JsonNode commands = root.path("commands");
        if (!commands.isArray() || commands.isEmpty()) {
            return error(400, "commands must be a non-empty array");
        }
        if (commands.size() > MAX_COMMANDS) {
            return error(413, "at most " + MAX_COMMANDS + " commands per batch");
        }
        for (int i = 0; i < commands.size(); i++) {
            String problem = problem(commands.get(i));
            if (problem != null) {
                return error(400, "commands[" + i + "]: " + problem);
            }
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (JsonNode command : commands) {
            results.add(apply(command));
        }
        if (mode == Mode.DEFER) {
            deferred.addAll(results);
            return SandboxResponse.json(202, "{\"accepted\":" + results.size() + "}");
        }
        return SandboxResponse.json(200, write(Map.of("results", results)));
    }

    private static String problem(JsonNode c) {
        JsonNode id = c.path("commandId");
        if (!(id.isIntegralNumber() || (id.isTextual() && id.asText().matches("\\d{1,18}")))) {
            return "commandId is required";
        }
        if (!ACTIONS.contains(c.path("action").asText())) {
            return "action must be one of " + ACTIONS;
        }
        if (!c.path("subjectId").isTextual() || c.path("subjectId").asText().isEmpty()) {
            return "subjectId is required";
        }
        JsonNode identities = c.path("identities");
        if (!identities.isObject() || (!identities.path("email").isTextual() && !identities.path("externalId").isTextual())) {
            return "identities needs email or externalId";
        }
        if (c.path("action").asText().equals("rectify") && !c.path("changes").isObject()) {
            return "rectify needs changes";
        }
        return null;
    }

    private Map<String, Object> apply(JsonNode c) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("commandId", c.path("commandId").isIntegralNumber() ? c.path("commandId").asLong()
                : Long.parseLong(c.path("commandId").asText()));
        String email = c.path("identities").path("email").asText(null);
        Person p = find(email, c.path("identities").path("externalId").asText(null));
        if (email != null && failing.contains(email.toLowerCase(Locale.ROOT))) {
            result.put("status", "failed");
            return result;
        }
        if (p == null) {
            result.put("status", "not_found");
            return result;
        }
        switch (c.path("action").asText()) {
            case "opt_out" -> p.subscribed = false;
            case "opt_in" -> p.subscribed = true;
            case "erase" -> people.values().remove(p);
            case "rectify" -> c.path("changes").fields().forEachRemaining(f -> {
                if (f.getKey().equals("email")) {
                    people.values().remove(p);
                    p.email = f.getValue().asText();
                    people.put(p.email.toLowerCase(Locale.ROOT), p);
                } else {
                    p.fields.put(f.getKey(), f.getValue().asText());
                }
            });
            case "export" -> result.put("data", view(p));
            default -> throw new IllegalStateException("checked above");
        }
        result.put("status", c.path("action").asText().equals("erase") ? "verified" : "completed");
        return result;
    }

    private Person find(String email, String externalId) {
        if (email != null && people.containsKey(email.toLowerCase(Locale.ROOT))) {
            return people.get(email.toLowerCase(Locale.ROOT));
        }
        return externalId == null ? null
                : people.values().stream().filter(p -> externalId.equals(p.externalId)).findFirst().orElse(null);
    }

    private static Map<String, Object> view(Person p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("email", p.email);
        v.put("externalId", p.externalId);
        v.put("subscribed", p.subscribed);
        v.putAll(p.fields);
        return v;
    }

    /** Results answered 202 and not called back yet. */
    public synchronized int deferredCount() {
        return deferred.size();
    }

    /** The callback body the receiver would send now: {@code {"results":[...]}} of every deferred result. */
    public synchronized String callbackBody() {
        return write(Map.of("results", deferred));
    }

    /** The Standard Webhooks headers of a message this receiver signs (what a callback carries). */
    public Map<String, String> signatureHeaders(String webhookId, String body) {
        String timestamp = String.valueOf(java.time.Instant.now().getEpochSecond());
        return Map.of(StandardWebhooksSigner.ID, webhookId, StandardWebhooksSigner.TIMESTAMP, timestamp,
                StandardWebhooksSigner.SIGNATURE, signer.sign(webhookId, timestamp, body.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Posts the deferred results, signed, to {@code <hub>/api/v1/callbacks/<vendor>}; they are forgotten once the hub
     * answers 200. Returns the hub's status.
     */
    public int sendCallback(String hubBaseUrl) {
        String body;
        synchronized (this) {
            body = callbackBody();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hubBaseUrl + "/api/v1/callbacks/" + vendor))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signatureHeaders("msg_cb_" + UUID.randomUUID().toString().replace("-", ""), body).forEach(request::header);
        try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                synchronized (this) {
                    deferred.clear();
                }
            }
            return status;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Every webhook-id received (with repeats), in order. */
    public synchronized List<String> webhookIds() {
        return List.copyOf(webhookIds);
    }

    @Override
    public synchronized void seed(String email, String externalId) {
        Person p = new Person();
        p.email = email;
        p.externalId = externalId;
        people.put(email.toLowerCase(Locale.ROOT), p);
    }

    /** Whether the system holds the address, and if so whether it may still send marketing to it. */
    public synchronized Boolean subscribed(String email) {
        Person p = people.get(email.toLowerCase(Locale.ROOT));
        return p == null ? null : p.subscribed;
    }

    public synchronized boolean holds(String email) {
        return people.containsKey(email.toLowerCase(Locale.ROOT));
    }

    @Override
    public synchronized Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("people", people.values().stream().map(WebhookReceiverBehaviour::view).toList());
        state.put("deferredResults", deferred.size());
        state.put("duplicatesDropped", duplicates);
        state.put("refusedSignatures", refused);
        state.put("mode", mode.name());
        return state;
    }

    private static SandboxResponse error(int status, String message) {
        return SandboxResponse.json(status, write(Map.of("error", message)));
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
