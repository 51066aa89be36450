package io.lethe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.demo.sandbox.WebhookReceiverBehaviour;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end through the public API: an in-house system declared by copying connectors/webhook.yaml as
 * {@code connectors/shop.yaml}, its receiver the strict {@link WebhookReceiverBehaviour}. Opt-out and erasure answered
 * with 200, with 202 and a signed callback, a 503 retried with the same webhook-id, and export data arriving.
 */
public abstract class WebhookConnectorTest extends HubTestSupport {

    static final String SECRET = "whsec_" + java.util.Base64.getEncoder()
            .encodeToString("shop-secret-for-end-to-end-test-32".getBytes());
    WebhookReceiverBehaviour receiver;
    SandboxServer server;

    @Override
    protected Properties extraProperties() {
        receiver = new WebhookReceiverBehaviour("shop", SECRET);
        server = SandboxServer.start(receiver);
        Properties p = new Properties();
        p.put("lethe.connectors-dir", connectorsDir("shop").toString());
        p.put("lethe.connectors", "shop");
        p.put("lethe.shop.url", server.baseUrl() + WebhookReceiverBehaviour.PATH);
        p.put("lethe.shop.secret", SECRET);
        p.put("lethe.dispatch.retry-delay-ms", "200");
        return p;
    }

    /** connectors/webhook.yaml copied as shop.yaml, its id changed: exactly what an operator does. */
    public static Path connectorsDir(String... ids) {
        try {
            Path dir = Files.createTempDirectory("lethe-connectors-");
            for (String id : ids) {
                Files.writeString(dir.resolve(id + ".yaml"), Files.readString(Path.of("connectors/webhook.yaml"))
                        .replaceFirst("(?m)^id: webhook$", "id: " + id).replaceFirst("(?m)^title: .*$", "title: " + id));
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stopReceiver() {
        server.close();
    }

    @BeforeEach
    void answerAtOnce() {
        receiver.mode(WebhookReceiverBehaviour.Mode.ANSWER);
        server.clearFaults();
        server.clearJournal();
    }

    String subject(String email) {
        receiver.seed(email, null);
        return api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "granted"}""".formatted(email))
                .json().path("subjectId").asText();
    }

    String file(String type, String email) {
        return api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "%s", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(type, email)).json()
                .path("requestId").asText();
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

    @Test
    void an_opt_out_reaches_the_receiver_signed_and_is_delivered() {
        List<String> emails = Addresses.realistic(100, "whopt");
        emails.forEach(this::subject);
        for (String email : emails) {
            api.post("/api/v1/consents", INTAKE_KEY, """
                    {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn"}""".formatted(email));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> emails.stream().noneMatch(e -> receiver.subscribed(e)));
        SandboxRequest first = server.requests().get(0);
        assertThat(first.header("webhook-id")).startsWith("msg_");
        assertThat(first.header("webhook-signature")).startsWith("v1,");
        assertThat(first.bodyText()).contains("\"type\":\"lethe.commands\"").contains("\"action\":\"opt_out\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                api.get("/api/v1/sync-log?vendor=shop&limit=1000", COMPLIANCE_KEY).json().path("entries").toString())
                .contains("\"outcome\":\"delivered\"").doesNotContain("@"));
    }

    @Test
    void an_erasure_answered_at_once_completes_the_request() {
        String email = Addresses.realistic(1, "wherase").get(0);
        subject(email);
        String id = file("erasure", email);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(receiver.holds(email)).isFalse();
        assertThat(request(id).path("vendors").get(0).path("status").asText()).isEqualTo("verified");
    }

    @Test
    void an_erasure_answered_202_completes_when_the_signed_callback_comes() {
        receiver.mode(WebhookReceiverBehaviour.Mode.DEFER);
        String email = Addresses.realistic(1, "whlater").get(0);
        subject(email);
        String id = file("erasure", email);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deferredCount() == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(request(id).path("vendors").get(0).path("status").asText()).isEqualTo("submitted"));
        assertThat(request(id).path("status").asText()).isEqualTo("in_progress");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.sendCallback("http://localhost:" + port) == 200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
    }

    @Test
    void a_503_is_retried_with_the_same_webhook_id() {
        server.inject(r -> r.path().equals(WebhookReceiverBehaviour.PATH), 1,
                SandboxResponse.json(503, "{\"error\":\"maintenance\"}").withHeader("Retry-After", "1"));
        String email = Addresses.realistic(1, "whretry").get(0);
        subject(email);
        String id = file("erasure", email);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        List<SandboxRequest> sent = server.requests("POST", WebhookReceiverBehaviour.PATH);
        assertThat(sent).hasSizeGreaterThanOrEqualTo(2);
        assertThat(sent.get(1).header("webhook-id")).isEqualTo(sent.get(0).header("webhook-id"));
        assertThat(Long.parseLong(sent.get(1).header("webhook-timestamp")))
                .isGreaterThanOrEqualTo(Long.parseLong(sent.get(0).header("webhook-timestamp")));
    }

    @Test
    void an_access_request_gets_the_systems_data_in_the_export() {
        String email = Addresses.realistic(1, "whexport").get(0);
        subject(email);
        String id = file("access", email);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        JsonNode export = api.get("/api/v1/requests/" + id + "/export", ADMIN_KEY).json();
        assertThat(export.path("vendors").path("shop").toString()).contains(email);
        assertThat(api.get("/api/v1/sync-log?requestId=" + id, ADMIN_KEY).body()).doesNotContain(email);
    }
}
