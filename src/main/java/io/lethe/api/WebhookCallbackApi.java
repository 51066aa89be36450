package io.lethe.api;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.connectors.engine.auth.StandardWebhooksSigner;
import io.lethe.connectors.engine.auth.StandardWebhooksVerifier;
import io.lethe.dispatch.WebhookCallbacks;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/callbacks/{connectorId}}: an in-house system that answered a command batch with 202 posts the
 * results here, signed as the batch was (Standard Webhooks, the connector's own {@code LETHE_<ID>_SECRET}). No API
 * key: the signature is the only credential, so it is checked before the body is even parsed, and a connector that
 * is unknown, not enabled or not a webhook connector is refused exactly like a bad signature (nobody learns which ids
 * exist). Refused signatures count as failed authentications of the caller's address.
 */
public final class WebhookCallbackApi {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookCallbackApi.class);
    private static final Set<String> STATUSES = Set.of("completed", "verified", "not_found", "failed");
    /** A batch is at most a dispatch batch; 1,000 leaves room for the largest any connector file allows. */
    static final int MAX_RESULTS = 1000;

    private final Function<String, Optional<String>> secrets;
    private final WebhookCallbacks callbacks;
    private final RateLimits limits;
    private final Json json;
    private final Responses responses;
    private final Problems problems;
    private final Clock clock;

    /** @param secrets the {@code whsec_} secret of each enabled webhook connector, by connector id */
    public WebhookCallbackApi(Function<String, Optional<String>> secrets, WebhookCallbacks callbacks, RateLimits limits,
            Json json, Responses responses, Problems problems, Clock clock) {
        this.secrets = secrets;
        this.callbacks = callbacks;
        this.limits = limits;
        this.json = json;
        this.responses = responses;
        this.problems = problems;
        this.clock = clock;
    }

    public void receive(Exchange exchange) {
        Message in = exchange.getMessage();
        String connector = in.getHeader("connectorId", String.class);
        byte[] body = in.getBody(byte[].class);
        in.setBody(body); // read once: the signature and the parser see the same bytes
        String webhookId = in.getHeader(StandardWebhooksSigner.ID, String.class);
        authenticate(in, connector, webhookId, body);
        List<WebhookCallbacks.Reported> results = results(json.readObject(exchange));
        WebhookCallbacks.Applied applied;
        try {
            applied = callbacks.apply(connector, webhookId, results);
        } catch (WebhookCallbacks.StillInFlight busy) {
            problems.write(exchange, new ApiProblem(409, "Conflict", busy.getMessage()
                    + "; send the callback again in a moment."));
            exchange.getMessage().setHeader("Retry-After", "1"); // after write(), which drops inbound headers
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("applied", applied.applied());
        answer.put("ignored", applied.ignored());
        answer.put("replay", applied.replay());
        responses.json(exchange, 200, answer);
    }

    private void authenticate(Message in, String connector, String webhookId, byte[] body) {
        Optional<String> secret = connector == null ? Optional.empty() : secrets.apply(connector);
        String reason;
        if (secret.isEmpty()) {
            reason = "no enabled webhook connector has this id";
        } else {
            try {
                new StandardWebhooksVerifier(secret.get(), clock).verify(webhookId,
                        in.getHeader(StandardWebhooksSigner.TIMESTAMP, String.class),
                        in.getHeader(StandardWebhooksSigner.SIGNATURE, String.class), body == null ? new byte[0] : body);
                return;
            } catch (StandardWebhooksVerifier.Refused refused) {
                reason = refused.getMessage();
            }
        }
        limits.authenticationFailed(limits.client(in));
        // The connector id is the path's, so only a configured id is logged: anything else is caller-chosen text.
        LOG.warn("Refused a webhook callback{}: {}", secret.isPresent() ? " for connector " + connector : "", reason);
        throw new ApiProblem(401, "Unauthorized", "The callback must be signed with the connector's secret as"
                + " Standard Webhooks says (webhook-id, webhook-timestamp within 5 minutes, webhook-signature v1).");
    }

    /** {@code {"results":[{"commandId","status","data"}]}}, every field at fault named. */
    private static List<WebhookCallbacks.Reported> results(JsonNode root) {
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        root.fieldNames().forEachRemaining(f -> {
            if (!f.equals("results")) {
                errors.add(new ApiProblem.FieldError(f, "unknown field"));
            }
        });
        JsonNode list = root.path("results");
        if (!list.isArray()) {
            errors.add(new ApiProblem.FieldError("results", "an array of results is required"));
            throw ApiProblem.invalid(errors);
        }
        if (list.size() > MAX_RESULTS) {
            errors.add(new ApiProblem.FieldError("results", "at most " + MAX_RESULTS + " results per callback"));
            throw ApiProblem.invalid(errors);
        }
        List<WebhookCallbacks.Reported> results = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            String at = "results[" + i + "]";
            if (!r.isObject()) {
                errors.add(new ApiProblem.FieldError(at, "must be an object"));
                continue;
            }
            r.fieldNames().forEachRemaining(f -> {
                if (!Set.of("commandId", "status", "data").contains(f)) {
                    errors.add(new ApiProblem.FieldError(at + "." + f, "unknown field"));
                }
            });
            JsonNode id = r.path("commandId");
            Long commandId = id.isIntegralNumber() && id.canConvertToLong() ? Long.valueOf(id.asLong())
                    : id.isTextual() && id.asText().matches("\\d{1,18}") ? Long.valueOf(id.asText()) : null;
            if (commandId == null) {
                errors.add(new ApiProblem.FieldError(at + ".commandId", "the commandId of the batch is required"));
            }
            String status = r.path("status").asText(null);
            if (!r.path("status").isTextual() || !STATUSES.contains(status)) {
                errors.add(new ApiProblem.FieldError(at + ".status", "must be completed, verified, not_found or failed"));
            }
            JsonNode data = r.get("data");
            if (data != null && !data.isNull() && !data.isObject() && !data.isArray()) {
                errors.add(new ApiProblem.FieldError(at + ".data", "must be an object (exports only)"));
            }
            if (commandId != null && status != null) {
                results.add(new WebhookCallbacks.Reported(commandId, status,
                        data == null || data.isNull() ? null : data.toString()));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return results;
    }
}
