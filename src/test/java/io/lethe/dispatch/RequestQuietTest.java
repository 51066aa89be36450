package io.lethe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Properties;

import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The request window's quiet time (lethe.dispatch.request-quiet): a lone erasure does not wait the whole window for
 * a batch that will not fill; it leaves once no other request's command has come for the quiet time.
 */
class RequestQuietTest extends HubTestSupport {

    VendorFakes fakes;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "hubspot");
        p.put("lethe.dispatch.poll-ms", "200");
        p.put("lethe.dispatch.request-window", "120s");
        p.put("lethe.dispatch.request-quiet", "1s");
        return p;
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    @Test
    void a_lone_erasure_leaves_after_the_quiet_time_not_the_window() {
        String email = Addresses.realistic(1, "quiet").get(0);
        fakes.hubspotVendor.seed(email, (String) null);
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "analytics", "status": "granted"}""".formatted(email)).status())
                .isEqualTo(201);
        String id = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email)).json()
                .path("requestId").asText();
        // far sooner than the 120 s window: the quiet second, a poll, and the vendor calls
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(api.get("/api/v1/requests/" + id,
                COMPLIANCE_KEY).json().path("status").asText()).isEqualTo("completed"));
        assertThat(fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_GDPR_DELETE)).hasSize(1);
    }
}
