package io.lethe.connectors.engine.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.connectors.engine.VendorCall;

/**
 * {@code client.auth.type: standard-webhooks}: signs each call as the Standard Webhooks specification says
 * (https://www.standardwebhooks.com, spec/standard-webhooks.md): headers {@code webhook-id},
 * {@code webhook-timestamp} (Unix seconds of this attempt) and {@code webhook-signature} ({@code v1,<base64 of
 * HMAC-SHA256("id.timestamp.body")>}), key = the base64 part of {@code whsec_<base64>}.
 * <p>
 * The {@code webhook-id} is the receiver's idempotency key, so it must stay the same on every retry of the same batch,
 * even after a restart or a re-claim: a {@code webhook-id} header already on the call is kept; otherwise it is derived
 * from the connector and the command ids in the body ({@link #webhookId}). Only the timestamp and signature change
 * between attempts.
 */
public final class StandardWebhooksSigner implements CallSigner {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebhookSecret secret;
    private final Clock clock;

    /** @param secret {@code whsec_<base64>} (24 to 64 bytes once decoded) */
    public StandardWebhooksSigner(String secret) {
        this(secret, Clock.systemUTC());
    }

    public StandardWebhooksSigner(String secret, Clock clock) {
        this.secret = WebhookSecret.parse(secret);
        this.clock = clock;
    }

    @Override
    public VendorCall sign(VendorCall call) {
        Map<String, String> headers = new LinkedHashMap<>();
        String id = null;
        for (Map.Entry<String, String> h : call.headers().entrySet()) {
            String name = h.getKey();
            if (name.equalsIgnoreCase(ID)) {
                id = h.getValue();
            } else if (!name.equalsIgnoreCase(TIMESTAMP) && !name.equalsIgnoreCase(SIGNATURE)) {
                headers.put(name, h.getValue());
            }
        }
        byte[] body = call.body() == null ? new byte[0] : call.body().getBytes(StandardCharsets.UTF_8);
        if (id == null || id.isBlank()) {
            id = webhookId(call.connectorId(), call.body());
        }
        String timestamp = String.valueOf(clock.instant().getEpochSecond());
        headers.put(ID, id);
        headers.put(TIMESTAMP, timestamp);
        headers.put(SIGNATURE, sign(id, timestamp, body));
        return new VendorCall(call.connectorId(), call.operation(), call.method(), call.url(), headers, call.body());
    }

    /** The {@code webhook-signature} value for one message (also what tests and the receiver sandbox compute). */
    public String sign(String id, String timestamp, byte[] body) {
        return secret.signature(id, timestamp, body);
    }

    /**
     * The stable id of a batch: {@code msg_} + base64url(SHA-256(connectorId + ":" + the sorted command ids joined by
     * ",")), unpadded. The same commands give the same id in any order, on any node, after any restart.
     */
    public static String webhookId(String connectorId, List<Long> commandIds) {
        List<Long> sorted = new ArrayList<>(commandIds);
        sorted.sort(null);
        StringBuilder text = new StringBuilder(connectorId).append(':');
        for (int i = 0; i < sorted.size(); i++) {
            text.append(i == 0 ? "" : ",").append(sorted.get(i));
        }
        return "msg_" + base64Url(sha256(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The id of a call without a {@code webhook-id} header: from the {@code commands[].commandId} of its JSON body;
     * a body without command ids (not a command batch) is identified by its own hash, which is as stable as it is.
     */
    static String webhookId(String connectorId, String body) {
        List<Long> ids = commandIds(body);
        if (!ids.isEmpty()) {
            return webhookId(connectorId, ids);
        }
        byte[] bytes = (connectorId + ":" + (body == null ? "" : body)).getBytes(StandardCharsets.UTF_8);
        return "msg_" + base64Url(sha256(bytes));
    }

    /** {@code $.commands[*].commandId} (numbers or numeric strings); empty when the body is not such a batch. */
    static List<Long> commandIds(String body) {
        List<Long> ids = new ArrayList<>();
        if (body == null || body.isBlank()) {
            return ids;
        }
        try {
            for (JsonNode command : JSON.readTree(body).path("commands")) {
                JsonNode id = command.path("commandId");
                if (id.isIntegralNumber()) {
                    ids.add(id.asLong());
                } else if (id.isTextual() && id.asText().matches("\\d{1,18}")) {
                    ids.add(Long.parseLong(id.asText()));
                }
            }
        } catch (java.io.IOException notJson) {
            ids.clear();
        }
        return ids;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
