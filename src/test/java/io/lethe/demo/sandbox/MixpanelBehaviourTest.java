package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SandboxCalls.call;
import static io.lethe.demo.sandbox.SandboxCalls.ids;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.support.spec.VendorSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Mixpanel fake against Mixpanel's own GDPR spec: what the connector file sends passes the spec and the fake;
 * what the spec refuses the fake refuses too.
 */
class MixpanelBehaviourTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private MixpanelBehaviour mixpanel;
    private SandboxServer server;
    /** Loaded once (parsing the spec is the slow part); each test looks at the violations it caused. */
    private static final VendorSpec SPEC = VendorSpec.load("mixpanel/gdpr.openapi.yaml", "/api/app");
    private int violationsBefore;

    @BeforeEach
    void start() {
        mixpanel = new MixpanelBehaviour("oauth", "proj", Clock.systemUTC(), null, 100);
        server = SandboxServer.start(mixpanel);
        SPEC.attachTo(server);
        violationsBefore = SPEC.violations().size();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private java.util.List<String> newViolations() {
        return SPEC.violations().subList(violationsBefore, SPEC.violations().size());
    }

    private HttpResponse<String> post(String path, String body) {
        return call(server, "POST", "/api/app" + path + "?token=proj", body, "Authorization", "Bearer oauth",
                "Content-Type", "application/json");
    }

    private String status(String path) throws Exception {
        HttpResponse<String> r = call(server, "GET", "/api/app" + path + "?token=proj", null, "Authorization", "Bearer oauth");
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).at("/results/status").asText();
    }

    @Test
    void aFullDeletionPassesTheSpecAndFinishesWhenTold() throws Exception {
        for (int i = 0; i < 1_999; i++) {
            mixpanel.seed(null, "crm-" + i);
        }
        HttpResponse<String> created = post("/data-deletions/v3.0", "{\"distinct_ids\":" + ids("crm-", 1_999)
                + ",\"compliance_type\":\"GDPR\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String task = JSON.readTree(created.body()).at("/results/task_id").asText();
        assertThat(status("/data-deletions/v3.0/" + task)).isEqualTo("PENDING");
        mixpanel.jobs().startAll();
        assertThat(status("/data-deletions/v3.0/" + task)).isEqualTo("STARTED");
        mixpanel.jobs().finishAll();
        assertThat(status("/data-deletions/v3.0/" + task)).isEqualTo("SUCCESS");
        assertThat(mixpanel.holds("crm-0")).isFalse();
        assertThat(newViolations()).isEmpty();
    }

    @Test
    void aRetrievalEndsWithALinkToTheExport() throws Exception {
        mixpanel.seed(null, "crm-42");
        HttpResponse<String> created = post("/data-retrievals/v3.0", "{\"distinct_ids\":[\"crm-42\"],"
                + "\"compliance_type\":\"CCPA\",\"disclosure_type\":\"Data\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String task = JSON.readTree(created.body()).at("/results/task_id").asText();
        mixpanel.jobs().finishAll();
        HttpResponse<String> done = call(server, "GET", "/api/app/data-retrievals/v3.0/" + task + "?token=proj", null,
                "Authorization", "Bearer oauth");
        String link = JSON.readTree(done.body()).at("/results/results").asText();
        assertThat(link).startsWith(server.baseUrl() + "/api/app/_exports/");
        assertThat(newViolations()).isEmpty();
    }

    @Test
    void refusesWhatMixpanelRefuses() {
        assertThat(post("/data-deletions/v3.0", "{\"distinct_ids\":" + ids("u", 2_000)
                + ",\"compliance_type\":\"GDPR\"}").statusCode()).isEqualTo(400);
        assertThat(post("/data-deletions/v3.0", "{\"distinct_ids\":[\"u\"],\"compliance_type\":\"LGPD\"}")
                .statusCode()).isEqualTo(400);
        assertThat(call(server, "POST", "/api/app/data-deletions/v3.0", "{\"distinct_ids\":[\"u\"]}",
                "Authorization", "Bearer oauth", "Content-Type", "application/json").statusCode()).isEqualTo(403);
        assertThat(call(server, "POST", "/api/app/data-deletions/v3.0?token=proj", "{\"distinct_ids\":[\"u\"]}",
                "Content-Type", "application/json").statusCode()).isEqualTo(401);
        // the spec refuses the call without the project token as well
        assertThat(newViolations()).anyMatch(v -> v.contains("POST /api/app/data-deletions/v3.0"));
    }

    @Test
    void oneRequestASecond() {
        MixpanelBehaviour strict = new MixpanelBehaviour("oauth", "proj", Clock.systemUTC(), null, 1);
        try (SandboxServer s = SandboxServer.start(strict)) {
            String body = "{\"distinct_ids\":[\"u\"],\"compliance_type\":\"GDPR\"}";
            assertThat(call(s, "POST", "/api/app/data-deletions/v3.0?token=proj", body, "Authorization", "Bearer oauth",
                    "Content-Type", "application/json").statusCode()).isEqualTo(201);
            HttpResponse<String> second = call(s, "POST", "/api/app/data-deletions/v3.0?token=proj", body,
                    "Authorization", "Bearer oauth", "Content-Type", "application/json");
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.body()).contains("\"status\":\"error\"");
        }
    }
}
