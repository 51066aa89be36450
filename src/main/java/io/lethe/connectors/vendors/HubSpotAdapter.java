package io.lethe.connectors.vendors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.connectors.Connector;
import io.lethe.connectors.VendorAdapter;
import io.lethe.connectors.VendorException;
import io.lethe.connectors.VendorText;
import io.lethe.connectors.VendorHttp;

/**
 * HubSpot: communication preferences v4, {@code batch/unsubscribe-all} for e-mail. HubSpot's 429 body names the
 * limit hit in {@code policyName}: the ten-second window lifts soon (wait and retry), the daily one does not (park).
 */
public final class HubSpotAdapter implements VendorAdapter {

    static final Duration DAILY_LIMIT_PARK = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final VendorHttp http;

    public HubSpotAdapter(VendorHttp http) {
        this.http = http;
    }

    @Override
    public List<TargetOutcome> optOut(Connector connector, List<Target> targets) {
        var op = connector.descriptor().operation("optOut");
        ObjectNode body = JSON.createObjectNode();
        ArrayNode inputs = body.putArray("inputs");
        Set<String> sent = new HashSet<>();
        targets.forEach(t -> t.emails().forEach(e -> {
            if (sent.add(e)) {
                inputs.add(e);
            }
        }));
        VendorHttp.Response r = http.call(op.method(), connector.resolve(op.endpoint()), connector.authorization(op),
                body.toString());
        if (r.status() == 429) {
            throw rateLimited(r);
        }
        http.expectSuccess(r, "HubSpot unsubscribe-all");
        Set<String> failed = failedInputs(r.body());
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            boolean anyFailed = t.emails().stream().anyMatch(e -> failed.contains(e.toLowerCase(Locale.ROOT)));
            outcomes.add(anyFailed ? TargetOutcome.rejected(t.commandId(), r.status(), "HubSpot reported an error for this input")
                    : TargetOutcome.delivered(t.commandId(), r.status(), "unsubscribed from all e-mail"));
        }
        return outcomes;
    }

    /**
     * GDPR delete ({@code gdpr-delete}, which also blocklists the address), one call per address, then one batch read
     * by e-mail to verify that HubSpot no longer returns the person.
     */
    @Override
    public List<TargetOutcome> erase(Connector connector, List<Target> targets) {
        var op = connector.descriptor().operation("erase");
        java.util.Map<Long, Boolean> anyFound = new java.util.HashMap<>();
        for (Target t : targets) {
            for (String email : t.emails()) {
                ObjectNode body = JSON.createObjectNode().put("objectId", email).put("idProperty", "email");
                VendorHttp.Response r = http.call(op.method(), connector.resolve(op.endpoint()), connector.authorization(op),
                        body.toString());
                if (r.status() == 429) {
                    throw rateLimited(r);
                }
                if (r.status() != 404) {
                    http.expectSuccess(r, "HubSpot gdpr-delete");
                    anyFound.put(t.commandId(), true);
                }
            }
        }
        Set<String> still = stillPresent(connector, targets);
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            boolean present = t.emails().stream().anyMatch(e -> still.contains(e.toLowerCase(Locale.ROOT)));
            outcomes.add(present ? TargetOutcome.of(t.commandId(), "still_present", 200, "HubSpot still returns the contact")
                    : anyFound.containsKey(t.commandId())
                            ? TargetOutcome.of(t.commandId(), "verified", 204, "gdpr-delete; read-back finds no contact")
                            : TargetOutcome.notFound(t.commandId(), 404, "no such contact"));
        }
        return outcomes;
    }

    /** Rectification: a batch update of the contacts found by their current e-mail. */
    @Override
    public List<TargetOutcome> rectify(Connector connector, List<Target> targets) {
        var op = connector.descriptor().operation("rectify");
        ObjectNode body = JSON.createObjectNode();
        ArrayNode inputs = body.putArray("inputs");
        for (Target t : targets) {
            ObjectNode properties = JSON.createObjectNode();
            java.util.Map<String, String> names = java.util.Map.of("email", "email", "firstName", "firstname",
                    "lastName", "lastname", "phone", "phone");
            t.changes().forEach((k, v) -> properties.put(names.get(k), v));
            t.emails().forEach(e -> inputs.addObject().put("idProperty", "email").put("id", e).set("properties",
                    properties.deepCopy()));
        }
        VendorHttp.Response r = http.call(op.method(), connector.resolve(op.endpoint()), connector.authorization(op),
                body.toString());
        if (r.status() == 429) {
            throw rateLimited(r);
        }
        http.expectSuccess(r, "HubSpot batch update");
        int updated = 0;
        try {
            updated = JSON.readTree(r.body()).path("results").size();
        } catch (Exception unreadable) {
            // counted as none below
        }
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            outcomes.add(updated > 0 ? TargetOutcome.of(t.commandId(), "completed", r.status(), "contact updated")
                    : TargetOutcome.notFound(t.commandId(), r.status(), "no such contact"));
        }
        return outcomes;
    }

    /**
     * Reconciliation: every contact, 100 per page following {@code paging.next.after}, with {@code hs_email_optout}
     * (true once the contact has unsubscribed from all e-mail). HubSpot's list has no change filter, so every run reads
     * everything; the search API that has one is limited to 10,000 results.
     */
    @Override
    public void pull(Connector connector, java.time.Instant since,
            java.util.function.Consumer<List<io.lethe.connectors.VendorContact>> page) {
        var op = connector.descriptor().operation("readState");
        String after = null;
        do {
            String url = connector.resolve(op.endpoint()) + (after == null ? "" : "&after="
                    + java.net.URLEncoder.encode(after, java.nio.charset.StandardCharsets.UTF_8));
            VendorHttp.Response r = http.call(op.method(), url, connector.authorization(op), null);
            if (r.status() == 429) {
                throw rateLimited(r);
            }
            http.expectSuccess(r, "HubSpot contact list");
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (Exception unreadable) {
                throw new VendorException.Transient("HubSpot contact list answered unreadable JSON", r.status(), null, null);
            }
            List<io.lethe.connectors.VendorContact> contacts = new ArrayList<>();
            for (JsonNode result : body.path("results")) {
                String email = result.path("properties").path("email").asText("");
                if (!email.isEmpty()) {
                    boolean optedOut = result.path("properties").path("hs_email_optout").asText("false").equals("true");
                    contacts.add(new io.lethe.connectors.VendorContact(email, optedOut
                            ? io.lethe.connectors.VendorContact.State.UNSUBSCRIBED
                            : io.lethe.connectors.VendorContact.State.SUBSCRIBED));
                }
            }
            page.accept(contacts);
            after = body.path("paging").path("next").path("after").asText(null);
        } while (after != null && !after.isEmpty());
    }

    /** Access: the contact records found by e-mail, with their main properties. */
    @Override
    public List<TargetOutcome> export(Connector connector, List<Target> targets) {
        java.util.Map<String, ArrayNode> byEmail = new java.util.HashMap<>();
        for (JsonNode result : batchRead(connector, targets, "email", "firstname", "lastname", "phone", "company",
                "lifecyclestage", "hs_email_optout", "createdate", "lastmodifieddate")) {
            String email = result.path("properties").path("email").asText("").toLowerCase(Locale.ROOT);
            byEmail.computeIfAbsent(email, k -> JSON.createArrayNode()).add(result);
        }
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            ArrayNode records = JSON.createArrayNode();
            t.emails().forEach(e -> records.addAll(byEmail.getOrDefault(e.toLowerCase(Locale.ROOT), JSON.createArrayNode())));
            outcomes.add(records.isEmpty() ? TargetOutcome.notFound(t.commandId(), 200, "no such contact")
                    : TargetOutcome.exported(t.commandId(), 200, records.size() + " contact record(s)", records.toString()));
        }
        return outcomes;
    }

    private Set<String> stillPresent(Connector connector, List<Target> targets) {
        Set<String> present = new HashSet<>();
        for (JsonNode result : batchRead(connector, targets, "email")) {
            present.add(result.path("properties").path("email").asText("").toLowerCase(Locale.ROOT));
            present.add(result.path("id").asText("").toLowerCase(Locale.ROOT));
        }
        return present;
    }

    /** The contacts HubSpot returns for the targets' addresses ({@code batch/read} by e-mail), as result nodes. */
    private JsonNode batchRead(Connector connector, List<Target> targets, String... properties) {
        var op = connector.descriptor().operation("readBack");
        ObjectNode body = JSON.createObjectNode().put("idProperty", "email");
        ArrayNode names = body.putArray("properties");
        for (String p : properties) {
            names.add(p);
        }
        body.putArray("propertiesWithHistory"); // required by HubSpot's published schema, even when empty
        ArrayNode inputs = body.putArray("inputs");
        targets.forEach(t -> t.emails().forEach(e -> inputs.addObject().put("id", e)));
        VendorHttp.Response r = http.call(op.method(), connector.resolve(op.endpoint()), connector.authorization(op),
                body.toString());
        if (r.status() == 429) {
            throw rateLimited(r);
        }
        if (r.status() == 404) {
            return JSON.createArrayNode();
        }
        http.expectSuccess(r, "HubSpot batch read");
        try {
            return JSON.readTree(r.body()).path("results");
        } catch (Exception unreadable) {
            throw new VendorException.Transient("HubSpot batch read answered unreadable JSON", r.status(), null, null);
        }
    }

    private VendorException rateLimited(VendorHttp.Response r) {
        String policy = "";
        try {
            policy = VendorText.code(JSON.readTree(r.body()).path("policyName").asText(""));
        } catch (Exception unreadable) {
            // no policy name: treat as the rolling window
        }
        if (policy.contains("DAILY")) {
            return new VendorException.LimitExhausted("HubSpot daily limit reached (" + policy + ")", 429, DAILY_LIMIT_PARK);
        }
        Duration wait = http.retryAfter(r.header("Retry-After"));
        if (wait == null) {
            String interval = r.header("X-HubSpot-RateLimit-Interval-Milliseconds");
            wait = interval != null && interval.matches("\\d+") ? Duration.ofMillis(Long.parseLong(interval)) : null;
        }
        return new VendorException.Transient("HubSpot rate limit (" + (policy.isEmpty() ? "unnamed" : policy) + ")",
                429, wait, null);
    }

    /** Inputs named in a 207 multi-status error list; the messages themselves are never kept. */
    private static Set<String> failedInputs(String body) {
        Set<String> failed = new HashSet<>();
        try {
            for (JsonNode error : JSON.readTree(body).path("errors")) {
                error.path("context").path("subscriberIdString")
                        .forEach(v -> failed.add(v.asText().toLowerCase(Locale.ROOT)));
                error.path("context").path("ids").forEach(v -> failed.add(v.asText().toLowerCase(Locale.ROOT)));
            }
        } catch (Exception unreadable) {
            // a 2xx without a readable body: every input counts as delivered
        }
        return failed;
    }
}
