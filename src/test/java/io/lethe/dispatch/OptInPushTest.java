package io.lethe.dispatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** pushOptIns is a per-connector choice: off by default, and when on, Mailchimp gets "pending" (its double opt-in). */
class OptInPushTest extends HubTestSupport {

    VendorFakes fakes;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        try {
            Path dir = Files.createTempDirectory("lethe-connectors-");
            Files.writeString(dir.resolve("mailchimp.yaml"), Files.readString(Path.of("connectors/mailchimp.yaml"))
                    .replace("pushOptIns: false", "pushOptIns: true"));
            Files.copy(Path.of("connectors/hubspot.yaml"), dir.resolve("hubspot.yaml"));
            Properties p = fakes.hubProperties();
            p.put("lethe.connectors-dir", dir.toString());
            p.put("lethe.connectors", "mailchimp,hubspot");
            return p;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    @Test
    void a_grant_reaches_only_connectors_that_push_opt_ins_and_asks_for_double_opt_in() throws Exception {
        api.post("/api/v1/consents", ADMIN_KEY,
                "{\"subject\":{\"email\":\"new@example.com\"},\"purpose\":\"email_marketing\",\"status\":\"granted\"}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(fakes.mailchimpBatches(VendorFakes.LIST_A)).hasSize(1));
        JsonNode body = VendorFakes.json(fakes.mailchimpBatches(VendorFakes.LIST_A).get(0));
        assertThat(body.path("members").get(0).path("status").asText()).isEqualTo("pending");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> // journalled as it arrives, applied as answered
                assertThat(fakes.mailchimpVendor.statuses(VendorFakes.LIST_A)).containsEntry("new@example.com", "pending"));
        assertThat(fakes.hubspot.requests()).isEmpty();
    }

    @Test
    void an_older_grant_imported_after_a_withdrawal_does_not_resubscribe_anyone() {
        // Known by external id only, so no vendor is called (the other test counts calls): the outbox tells it all.
        String subject = "{\"subject\":{\"externalId\":\"crm-imported-grant-after-withdrawal\"},";
        String subjectId = api.post("/api/v1/consents", ADMIN_KEY,
                subject + "\"purpose\":\"email_marketing\",\"status\":\"withdrawn\"}").json().path("subjectId").asText();
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, subject
                + "\"purpose\":\"email_marketing\",\"status\":\"granted\",\"capturedAt\":\"2025-03-01T09:00:00Z\"}")
                .status()).isEqualTo(201);
        try (var c = database.connect(); var ps = c.prepareStatement(
                "select action from outbox_command where subject_id = ? and connector = 'mailchimp'")) {
            ps.setString(1, subjectId);
            try (var rs = ps.executeQuery()) {
                java.util.List<String> actions = new java.util.ArrayList<>();
                while (rs.next()) {
                    actions.add(rs.getString(1));
                }
                assertThat(actions).containsExactly("opt_out");
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
