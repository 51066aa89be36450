package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SandboxCalls.call;
import static io.lethe.demo.sandbox.SandboxCalls.ids;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Segment fake refuses what Segment refuses and moves regulations only when told. */
class SegmentBehaviourTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private SegmentBehaviour segment;
    private SandboxServer server;

    @BeforeEach
    void start() {
        segment = new SegmentBehaviour("tok", Clock.systemUTC(), null, 10_000);
        server = SandboxServer.start(segment);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> regulate(String type, String idsJson) {
        return call(server, "POST", "/regulations", "{\"regulationType\":\"" + type + "\",\"subjectType\":\"USER_ID\","
                + "\"subjectIds\":" + idsJson + "}", "Authorization", "Bearer tok",
                "Content-Type", "application/vnd.segment.v1+json");
    }

    @Test
    void aFullBatchIsARegulationThatFinishesWhenTold() throws Exception {
        for (int i = 0; i < 5_000; i++) {
            segment.seed(null, "crm-" + i);
        }
        HttpResponse<String> created = regulate("SUPPRESS_WITH_DELETE", ids("crm-", 5_000));
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.headers().firstValue("X-RateLimit-Remaining")).hasValue("5000");
        assertThat(created.headers().firstValue("X-RateLimit-Reset")).isPresent();
        String id = JSON.readTree(created.body()).at("/data/regulateId").asText();
        String path = "/regulations/" + id;
        assertThat(JSON.readTree(call(server, "GET", path, null, "Authorization", "Bearer tok").body())
                .at("/data/regulation/overallStatus").asText()).isEqualTo("INITIALIZED");
        segment.jobs().startAll();
        assertThat(call(server, "GET", path, null, "Authorization", "Bearer tok").body()).contains("\"RUNNING\"");
        assertThat(segment.holds("crm-1")).isTrue();
        segment.jobs().finishAll();
        assertThat(call(server, "GET", path, null, "Authorization", "Bearer tok").body()).contains("\"FINISHED\"");
        assertThat(segment.holds("crm-1")).isFalse();
        assertThat(segment.suppressed("crm-4999")).isTrue();
    }

    @Test
    void refusesWhatSegmentRefuses() {
        assertThat(regulate("SUPPRESS_ONLY", ids("u", 5_001)).statusCode()).isEqualTo(400);
        assertThat(regulate("FORGET", ids("u", 1)).statusCode()).isEqualTo(400);
        assertThat(regulate("SUPPRESS_ONLY", "[]").statusCode()).isEqualTo(400);
        assertThat(call(server, "POST", "/regulations", "{\"regulationType\":\"SUPPRESS_ONLY\",\"subjectIds\":[\"u\"]}",
                "Authorization", "Bearer tok", "Content-Type", "application/json").statusCode()).isEqualTo(400);
        assertThat(call(server, "POST", "/regulations", "{}", "Authorization", "Bearer wrong",
                "Content-Type", "application/json").statusCode()).isEqualTo(401);
        assertThat(call(server, "POST", "/regulations", "{}", "Authorization", "Bearer tok",
                "Content-Type", "text/plain").statusCode()).isEqualTo(415);
        assertThat(call(server, "GET", "/regulations/nope", null, "Authorization", "Bearer tok").statusCode())
                .isEqualTo(404);
    }

    @Test
    void aFailedRegulationSaysFailedAndDeletesNothing() throws Exception {
        segment.seed(null, "crm-7");
        String id = JSON.readTree(regulate("SUPPRESS_WITH_DELETE", "[\"crm-7\"]").body()).at("/data/regulateId").asText();
        segment.jobs().failNext(1);
        segment.jobs().finishAll();
        assertThat(call(server, "GET", "/regulations/" + id, null, "Authorization", "Bearer tok").body())
                .contains("\"FAILED\"");
        assertThat(segment.holds("crm-7")).isTrue();
    }

    @Test
    void theMonthlyQuotaIsPerCategoryAndAnswers429WithItsReset() {
        assertThat(regulate("SUPPRESS_ONLY", ids("a", 5_000)).statusCode()).isEqualTo(200);
        assertThat(regulate("SUPPRESS_ONLY", ids("b", 5_000)).statusCode()).isEqualTo(200);
        HttpResponse<String> over = regulate("SUPPRESS_ONLY", ids("c", 1));
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(over.headers().firstValue("X-RateLimit-Reset").orElseThrow()).endsWith("GMT");
        assertThat(regulate("SUPPRESS_WITH_DELETE", ids("c", 1)).statusCode()).isEqualTo(200);
    }
}
