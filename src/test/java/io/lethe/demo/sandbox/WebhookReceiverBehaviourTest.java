package io.lethe.demo.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.connectors.engine.VendorCall;
import io.lethe.connectors.engine.auth.StandardWebhooksSigner;
import io.lethe.support.Addresses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reference receiver is as strict as a careful in-house system: signature, media type, body shape, duplicates. */
class WebhookReceiverBehaviourTest {

    static final String SECRET = WebhookReceiverBehaviour.DEMO_SECRET;
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();
    final List<String> people = Addresses.realistic(100, "wh");
    WebhookReceiverBehaviour receiver;
    SandboxServer server;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiverBehaviour("shop", SECRET);
        people.forEach(p -> receiver.seed(p, null));
        server = SandboxServer.start(receiver);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String batch(String action, int from, int count) {
        StringBuilder b = new StringBuilder("{\"type\":\"lethe.commands\",\"commands\":[");
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : ",").append("{\"commandId\":").append(1000 + from + i).append(",\"action\":\"")
                    .append(action).append("\",\"purpose\":\"email_marketing\",\"subjectId\":\"s-").append(i)
                    .append("\",\"requestId\":null,\"identities\":{\"email\":\"").append(people.get(from + i))
                    .append("\"}}");
        }
        return b.append("]}").toString();
    }

    HttpResponse<String> send(String body, Map<String, String> extra, String secret) throws Exception {
        VendorCall signed = new StandardWebhooksSigner(secret).sign(new VendorCall("shop", "optOut", "POST",
                server.baseUrl() + WebhookReceiverBehaviour.PATH, Map.of("Content-Type", "application/json"), body));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(signed.url()))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        signed.headers().forEach(b::header);
        extra.forEach(b::setHeader);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answers_a_full_signed_batch_with_one_result_per_command() throws Exception {
        HttpResponse<String> r = send(batch("opt_out", 0, 100), Map.of(), SECRET);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode results = JSON.readTree(r.body()).path("results");
        assertThat(results).hasSize(100);
        assertThat(results.get(0).path("status").asText()).isEqualTo("completed");
        assertThat(receiver.subscribed(people.get(0))).isFalse();
        assertThat(receiver.subscribed(people.get(99))).isFalse();
    }

    @Test
    void refuses_a_wrong_secret_an_old_timestamp_and_another_media_type() throws Exception {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString("another-secret-of-32-bytes-long!".getBytes());
        assertThat(send(batch("erase", 0, 1), Map.of(), other).statusCode()).isEqualTo(401);
        assertThat(send(batch("erase", 0, 1), Map.of("webhook-timestamp",
                String.valueOf(Instant.now().getEpochSecond() - 600)), SECRET).statusCode()).isEqualTo(401);
        assertThat(send(batch("erase", 0, 1), Map.of("Content-Type", "text/plain"), SECRET).statusCode()).isEqualTo(415);
        assertThat(send("{\"type\":\"other\",\"commands\":[]}", Map.of(), SECRET).statusCode()).isEqualTo(400);
        assertThat(receiver.holds(people.get(0))).isTrue();
    }

    @Test
    void drops_a_repeated_webhook_id_answering_as_the_first_time() throws Exception {
        String body = batch("erase", 0, 2);
        HttpResponse<String> first = send(body, Map.of(), SECRET);
        receiver.seed(people.get(0), null); // had it been processed twice, the person would be erased again
        HttpResponse<String> again = send(body, Map.of(), SECRET);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(receiver.holds(people.get(0))).isTrue();
        assertThat(receiver.state()).containsEntry("duplicatesDropped", 1);
        assertThat(receiver.webhookIds()).hasSize(2).containsOnly(receiver.webhookIds().get(0));
    }

    @Test
    void defers_with_202_and_keeps_the_results_for_its_callback() throws Exception {
        receiver.mode(WebhookReceiverBehaviour.Mode.DEFER);
        receiver.failFor(people.get(1));
        HttpResponse<String> r = send(batch("export", 0, 2), Map.of(), SECRET);
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(receiver.deferredCount()).isEqualTo(2);
        JsonNode results = JSON.readTree(receiver.callbackBody()).path("results");
        assertThat(results.get(0).path("status").asText()).isEqualTo("completed");
        assertThat(results.get(0).path("data").path("email").asText()).isEqualTo(people.get(0));
        assertThat(results.get(1).path("status").asText()).isEqualTo("failed");
    }
}
