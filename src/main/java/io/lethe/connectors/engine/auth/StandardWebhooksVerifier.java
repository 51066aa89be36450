package io.lethe.connectors.engine.auth;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Checks a message signed as the Standard Webhooks specification says (the receiving side of
 * {@link StandardWebhooksSigner}): {@code webhook-id}, {@code webhook-timestamp} within {@link #TOLERANCE} of now
 * (either way, against replays and pre-dated messages), and at least one {@code v1,<base64>} entry of the
 * space-separated {@code webhook-signature} list equal, in constant time, to the HMAC of {@code id.timestamp.body}.
 * Other schemes in the list ({@code v1a}, future ones) are skipped, as the specification asks for secret rotation.
 */
public final class StandardWebhooksVerifier {

    /** The specification's libraries' tolerance. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    /** A webhook id is an opaque token: no dots (they delimit the signed content), no spaces, at most 256 chars. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_\\-:+/=]{1,256}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{1,12}");

    private final WebhookSecret secret;
    private final Clock clock;

    /** @param secret {@code whsec_<base64>} */
    public StandardWebhooksVerifier(String secret, Clock clock) {
        this.secret = WebhookSecret.parse(secret);
        this.clock = clock;
    }

    /** Why a message was refused; the text names headers only, never the secret or the body. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Returns normally when the message is genuine and fresh; throws {@link Refused} with the reason otherwise. */
    public void verify(String id, String timestamp, String signatures, byte[] body) throws Refused {
        if (id == null || id.isEmpty()) {
            throw new Refused("the webhook-id header is missing");
        }
        if (!ID.matcher(id).matches()) {
            throw new Refused("the webhook-id header is not a valid id");
        }
        if (timestamp == null || timestamp.isEmpty()) {
            throw new Refused("the webhook-timestamp header is missing");
        }
        if (!TIMESTAMP.matcher(timestamp).matches()) {
            throw new Refused("the webhook-timestamp header is not Unix seconds");
        }
        long skew = Math.abs(clock.instant().getEpochSecond() - Long.parseLong(timestamp));
        if (skew > TOLERANCE.toSeconds()) {
            throw new Refused("the webhook-timestamp is more than " + TOLERANCE.toMinutes() + " minutes from now");
        }
        if (signatures == null || signatures.isBlank()) {
            throw new Refused("the webhook-signature header is missing");
        }
        byte[] expected = secret.mac(id, timestamp, body);
        boolean match = false;
        for (String entry : signatures.strip().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !entry.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            // Every entry is compared, a match or not: the time taken says nothing about which one matched.
            match |= MessageDigest.isEqual(expected, given);
        }
        if (!match) {
            throw new Refused("no webhook-signature matches");
        }
    }
}
