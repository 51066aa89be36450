package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SandboxCalls.call;
import static io.lethe.demo.sandbox.SandboxCalls.ids;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Amplitude fake: Basic auth, 100 ids, unknown ids, one job per day listed by day. */
class AmplitudeBehaviourTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("key:secret".getBytes(StandardCharsets.UTF_8));
    private AmplitudeBehaviour amplitude;
    private SandboxServer server;

    @BeforeEach
    void start() {
        amplitude = new AmplitudeBehaviour("key", "secret", Clock.systemUTC(), null, 100);
        server = SandboxServer.start(amplitude);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> delete(String body) {
        return call(server, "POST", "/api/2/deletions/users", body, "Authorization", BASIC, "Content-Type", "application/json");
    }

    @Test
    void aFullBatchJoinsTheDaysJobWhichIsDoneWhenTold() throws Exception {
        for (int i = 0; i < 99; i++) {
            amplitude.seed(null, "crm-" + i);
        }
        HttpResponse<String> r = delete("{\"user_ids\":" + ids("crm-", 100) + ",\"requester\":\"dpo@example.com\","
                + "\"ignore_invalid_id\":true}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        String day = answer.get("day").asText();
        assertThat(answer.get("amplitude_ids")).hasSize(99);
        assertThat(answer.get("invalid_ids").toString()).contains("crm-99");
        assertThat(amplitude.requesters()).containsExactly("dpo@example.com");
        String list = "/api/2/deletions/users?start_day=" + day + "&end_day=" + day;
        assertThat(JSON.readTree(call(server, "GET", list, null, "Authorization", BASIC).body()).at("/0/status").asText())
                .isEqualTo("staging");
        amplitude.jobs().startAll();
        assertThat(call(server, "GET", list, null, "Authorization", BASIC).body()).contains("\"submitted\"");
        amplitude.jobs().finishAll();
        assertThat(call(server, "GET", list, null, "Authorization", BASIC).body()).contains("\"done\"");
        assertThat(amplitude.holds("crm-5")).isFalse();
    }

    @Test
    void refusesWhatAmplitudeRefuses() {
        amplitude.seed(null, "known");
        assertThat(delete("{\"user_ids\":" + ids("u", 101) + ",\"requester\":\"d@e.co\",\"ignore_invalid_id\":true}")
                .statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = delete("{\"user_ids\":[\"known\",\"stranger\"],\"requester\":\"d@e.co\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(amplitude.jobs().count()).isZero();                 // nothing marked
        assertThat(call(server, "POST", "/api/2/deletions/users", "{\"user_ids\":[\"known\"],\"requester\":\"d@e.co\"}",
                "Authorization", "Bearer key", "Content-Type", "application/json").statusCode()).isEqualTo(401);
        assertThat(call(server, "GET", "/api/2/deletions/users?start_day=2026-01-01", null, "Authorization", BASIC)
                .statusCode()).isEqualTo(400);
        assertThat(call(server, "GET", "/api/2/deletions/users?start_day=2026-01-01&end_day=2026-12-31", null,
                "Authorization", BASIC).statusCode()).isEqualTo(400);
    }
}
