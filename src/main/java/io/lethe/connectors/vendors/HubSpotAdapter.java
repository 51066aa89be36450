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

    private VendorException rateLimited(VendorHttp.Response r) {
        String policy = "";
        try {
            policy = JSON.readTree(r.body()).path("policyName").asText("");
        } catch (Exception unreadable) {
            // no policy name: treat as the rolling window
        }
        if (policy.toUpperCase(Locale.ROOT).contains("DAILY")) {
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
