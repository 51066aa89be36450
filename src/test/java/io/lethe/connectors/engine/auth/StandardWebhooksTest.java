package io.lethe.connectors.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.lethe.connectors.engine.VendorCall;
import org.junit.jupiter.api.Test;

/**
 * The signer and verifier against the Standard Webhooks specification's published vector (its libraries' "sign
 * function works" test: libraries/javascript/src/webhook.test.ts) and its verification rules.
 */
class StandardWebhooksTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330L;
    static final String PAYLOAD = "{\"test\": 2432232314}";
    static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    static Clock at(long epochSeconds) {
        return Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signsThePublishedVector() {
        assertThat(new StandardWebhooksSigner(SECRET).sign(MSG_ID, String.valueOf(TIMESTAMP), bytes(PAYLOAD)))
                .isEqualTo(EXPECTED);
        // The libraries accept the bare base64 too.
        assertThat(new StandardWebhooksSigner("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .sign(MSG_ID, String.valueOf(TIMESTAMP), bytes(PAYLOAD))).isEqualTo(EXPECTED);
    }

    @Test
    void signsACallKeepingAGivenWebhookId() {
        StandardWebhooksSigner signer = new StandardWebhooksSigner(SECRET, at(TIMESTAMP));
        VendorCall call = new VendorCall("shop", "optOut", "POST", "https://shop.example/lethe",
                Map.of("Content-Type", "application/json", "Webhook-Id", MSG_ID), PAYLOAD);
        VendorCall signed = signer.sign(call);
        assertThat(signed.headers()).containsEntry("webhook-id", MSG_ID)
                .containsEntry("webhook-timestamp", String.valueOf(TIMESTAMP))
                .containsEntry("webhook-signature", EXPECTED)
                .containsEntry("Content-Type", "application/json")
                .doesNotContainKey("Webhook-Id");
        assertThat(signed.body()).isEqualTo(PAYLOAD);
    }

    @Test
    void derivesTheSameWebhookIdForTheSameCommandsOnEveryAttempt() {
        String body = "{\"type\":\"lethe.commands\",\"commands\":[{\"commandId\":42,\"action\":\"erase\"},"
                + "{\"commandId\":\"7\",\"action\":\"opt_out\"}]}";
        VendorCall call = new VendorCall("shop", "erase", "POST", "https://shop.example/lethe", Map.of(), body);
        VendorCall first = new StandardWebhooksSigner(SECRET, at(TIMESTAMP)).sign(call);
        VendorCall retry = new StandardWebhooksSigner(SECRET, at(TIMESTAMP + 90)).sign(call);
        assertThat(first.headers().get("webhook-id")).isEqualTo(retry.headers().get("webhook-id"))
                .isEqualTo(StandardWebhooksSigner.webhookId("shop", List.of(7L, 42L)))
                .isEqualTo(StandardWebhooksSigner.webhookId("shop", List.of(42L, 7L)))
                .startsWith("msg_").doesNotContain(".").doesNotContain("=");
        assertThat(retry.headers().get("webhook-timestamp")).isEqualTo(String.valueOf(TIMESTAMP + 90));
        assertThat(first.headers().get("webhook-signature")).isNotEqualTo(retry.headers().get("webhook-signature"));
        // Another connector or another set of commands is another message.
        assertThat(StandardWebhooksSigner.webhookId("desk", List.of(7L, 42L)))
                .isNotEqualTo(first.headers().get("webhook-id"));
        assertThat(StandardWebhooksSigner.webhookId("shop", List.of(7L)))
                .isNotEqualTo(first.headers().get("webhook-id"));
    }

    @Test
    void verifiesWhatItSigns() {
        StandardWebhooksSigner signer = new StandardWebhooksSigner(SECRET, at(TIMESTAMP));
        VendorCall signed = signer.sign(new VendorCall("shop", "optOut", "POST", "u", Map.of(), PAYLOAD));
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(SECRET, at(TIMESTAMP + 299));
        assertThatCode(() -> verifier.verify(signed.headers().get("webhook-id"), signed.headers().get("webhook-timestamp"),
                signed.headers().get("webhook-signature"), bytes(PAYLOAD))).doesNotThrowAnyException();
    }

    @Test
    void acceptsThePublishedVectorAndOneGoodSignatureAmongSeveral() {
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(SECRET, at(TIMESTAMP));
        String ts = String.valueOf(TIMESTAMP);
        assertThatCode(() -> verifier.verify(MSG_ID, ts, EXPECTED, bytes(PAYLOAD))).doesNotThrowAnyException();
        String several = String.join(" ", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
                "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", EXPECTED, "v1a,bm90IGVkMjU1MTk=");
        assertThatCode(() -> verifier.verify(MSG_ID, ts, several, bytes(PAYLOAD))).doesNotThrowAnyException();
    }

    @Test
    void refusesWhatTheSpecificationRefuses() {
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(SECRET, at(TIMESTAMP));
        String ts = String.valueOf(TIMESTAMP);
        byte[] body = bytes(PAYLOAD);
        assertRefused(() -> verifier.verify(null, ts, EXPECTED, body), "webhook-id header is missing");
        assertRefused(() -> verifier.verify("msg.1", ts, EXPECTED, body), "not a valid id");
        assertRefused(() -> verifier.verify(MSG_ID, null, EXPECTED, body), "webhook-timestamp header is missing");
        assertRefused(() -> verifier.verify(MSG_ID, "hello", EXPECTED, body), "not Unix seconds");
        assertRefused(() -> verifier.verify(MSG_ID, ts, null, body), "webhook-signature header is missing");
        assertRefused(() -> verifier.verify(MSG_ID, ts, "v1,dawfeoifkpqwoekfpqoekf", body), "no webhook-signature");
        assertRefused(() -> verifier.verify(MSG_ID, ts, EXPECTED.substring(0, 8), body), "no webhook-signature");
        assertRefused(() -> verifier.verify(MSG_ID, ts, "v1,", body), "no webhook-signature");
        assertRefused(() -> verifier.verify(MSG_ID, ts, EXPECTED.replace("v1,", "v2,"), body), "no webhook-signature");
        assertRefused(() -> verifier.verify(MSG_ID, ts, EXPECTED, bytes(PAYLOAD + " ")), "no webhook-signature");
        assertRefused(() -> verifier.verify("msg_other", ts, EXPECTED, body), "no webhook-signature");
        // The same message, checked too late or too early (more than 5 minutes either way).
        assertRefused(() -> new StandardWebhooksVerifier(SECRET, at(TIMESTAMP + 301)).verify(MSG_ID, ts, EXPECTED, body),
                "more than 5 minutes");
        assertRefused(() -> new StandardWebhooksVerifier(SECRET, at(TIMESTAMP - 301)).verify(MSG_ID, ts, EXPECTED, body),
                "more than 5 minutes");
        // Another secret's signature.
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(bytes("another-secret-of-32-bytes-long!"));
        assertRefused(() -> new StandardWebhooksVerifier(other, at(TIMESTAMP)).verify(MSG_ID, ts, EXPECTED, body),
                "no webhook-signature");
    }

    @Test
    void refusesSecretsTheSpecificationDoesNotAllow() {
        assertThatThrownBy(() -> new StandardWebhooksSigner("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> new StandardWebhooksSigner("whsec_not*base64")).hasMessageContaining("base64");
        assertThatThrownBy(() -> new StandardWebhooksSigner("whsec_c2hvcnQ=")).hasMessageContaining("24 to 64 bytes");
        assertThat(new StandardWebhooksSigner(SECRET).toString()).doesNotContain("MfKQ9r8");
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
        assertThatThrownBy(call).isInstanceOf(StandardWebhooksVerifier.Refused.class).hasMessageContaining(reason);
    }
}
