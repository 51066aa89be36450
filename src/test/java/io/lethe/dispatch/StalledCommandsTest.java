package io.lethe.dispatch;

import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.support.HubWithVendorsAndDpo;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static io.lethe.support.VendorFakes.HUBSPOT_OPT_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A command that keeps failing is not invisible: past lethe.dispatch.alert-after its connector shows "stalled" and
 * the DPO gets one e-mail (not one per check), until the command is delivered.
 */
class StalledCommandsTest extends HubWithVendorsAndDpo {

    @Override
    protected void settings(Properties p) {
        p.put("lethe.connectors", "hubspot");
        p.put("lethe.dispatch.alert-after", "2s");
        p.put("lethe.dispatch.alert-check-ms", "200");
    }

    JsonNode hubspot() {
        for (JsonNode c : api.get("/api/v1/connectors", COMPLIANCE_KEY).json()) {
            if (c.path("id").asText().equals("hubspot")) {
                return c;
            }
        }
        throw new AssertionError("hubspot not listed");
    }

    long alertsToDpo() throws Exception {
        long n = 0;
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (m.getSubject().contains("stalled")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void a_command_failing_past_the_threshold_is_shown_and_told_once_until_it_clears() throws Exception {
        fakes.hubspotAlways(HUBSPOT_OPT_OUT, SandboxResponse.json(503, "{\"status\":\"error\",\"message\":\"Service Unavailable\"}"));
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "stalled.person.for.the.alert@example-company.co.uk"},
                 "purpose": "email_marketing", "status": "withdrawn"}""").status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(20)).until(() -> hubspot().path("health").asText().equals("stalled"));
        assertThat(hubspot().path("oldestPendingAt").isTextual()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> alertsToDpo() == 1);
        Thread.sleep(1000); // five more checks: still one alert
        assertThat(alertsToDpo()).isEqualTo(1);
        for (MimeMessage m : mail.getReceivedMessages()) {
            assertThat(m.getAllRecipients()[0].toString()).isEqualTo(DPO);
            assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(m)).doesNotContain("stalled.person");
        }

        fakes.reset(); // the vendor recovers: the command is delivered and the connector is up again
        await().atMost(Duration.ofSeconds(30)).until(() -> hubspot().path("health").asText().equals("up")
                && hubspot().path("pending").asLong() == 0);
        assertThat(hubspot().path("oldestPendingAt").isNull()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (var c = database.connect(); var s = c.createStatement();
                    var rs = s.executeQuery("select stall_alerted_at from connector_state where connector = 'hubspot'")) {
                return rs.next() && rs.getObject(1) == null;
            }
        });
    }
}
