package io.lethe.audit;

import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.HubWithVendorsAndDpo;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nobody has to remember to issue checkpoints: the hub signs them on a timer, so deleting the newest sync-log entry
 * and moving the head back is caught by a plain verify, and the DPO is told once.
 */
class AuditWatchTest extends HubWithVendorsAndDpo {

    @Override
    protected void settings(Properties p) {
        p.put("lethe.connectors", "hubspot");
        p.put("lethe.audit.checkpoint-ms", "300");
        p.put("lethe.audit.first-checkpoint-ms", "300");
    }

    long checkpointedEntries() throws Exception {
        try (var c = database.connect(); var s = c.createStatement();
                var rs = s.executeQuery("select document from audit_checkpoint order by id desc limit 1")) {
            return rs.next() ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString(1))
                    .path("entries").asLong() : -1;
        }
    }

    @Test
    void a_truncated_tail_is_caught_against_the_checkpoint_the_hub_signed_by_itself() throws Exception {
        for (String who : new String[] {"first.person.to.withdraw@example-company.co.uk",
                "second.person.to.withdraw@example-company.co.uk"}) {
            assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                    {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn"}"""
                    .formatted(who)).status()).isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/api/v1/sync-log?vendor=hubspot", COMPLIANCE_KEY).json().path("entries").size() == 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> checkpointedEntries() == 2);

        try (var c = database.connect(); var s = c.createStatement()) {
            s.executeUpdate("delete from sync_log where seq = (select max(seq) from sync_log)");
        }
        JsonNode verdict = api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json();
        assertThat(verdict.path("valid").asBoolean()).isFalse();
        assertThat(verdict.path("reason").asText()).isEqualTo("truncated");

        await().atMost(Duration.ofSeconds(10)).until(() -> mail.getReceivedMessages().length >= 1);
        Thread.sleep(1000); // several more runs: the same break is reported once, and no checkpoint covers it
        MimeMessage[] received = mail.getReceivedMessages();
        assertThat(received).hasSize(1);
        assertThat(received[0].getSubject()).contains("does not verify");
        assertThat(checkpointedEntries()).isEqualTo(2);
    }
}
