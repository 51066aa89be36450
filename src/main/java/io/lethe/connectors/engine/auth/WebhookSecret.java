package io.lethe.connectors.engine.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Standard Webhooks signing secret ({@code whsec_<base64>}) and the one thing it does: the {@code v1} signature of
 * {@code id.timestamp.body}, HMAC-SHA256 with the base64-decoded key, base64 encoded. Shared by the signer (calls the
 * hub sends) and the verifier (callbacks it receives). The key never appears in a message or a {@code toString}.
 */
final class WebhookSecret {

    static final String PREFIX = "whsec_";
    /** The specification's floor for symmetric secrets (192 bits); its ceiling is 64 bytes. */
    static final int MIN_BYTES = 24;
    static final int MAX_BYTES = 64;

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    /** Parses {@code whsec_<base64>}; the prefix may be left out, as the specification's libraries allow. */
    static WebhookSecret parse(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the webhook secret is empty (expected whsec_<base64>)");
        }
        String encoded = secret.strip();
        if (encoded.startsWith(PREFIX)) {
            encoded = encoded.substring(PREFIX.length());
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the webhook secret is not whsec_ followed by base64");
        }
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("the webhook secret must decode to " + MIN_BYTES + " to " + MAX_BYTES
                    + " bytes, not " + key.length);
        }
        return new WebhookSecret(key);
    }

    /** The raw HMAC-SHA256 of {@code id.timestamp.body}. */
    byte[] mac(String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            mac.update(body == null ? new byte[0] : body);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The header value of one signature: {@code v1,<base64>}. */
    String signature(String id, String timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(id, timestamp, body));
    }

    @Override
    public String toString() {
        return "WebhookSecret[redacted]";
    }
}
