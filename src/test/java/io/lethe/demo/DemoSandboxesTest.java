package io.lethe.demo;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The demo's sandboxes and the real connectors agree: an opt-out changes what each sandbox holds. */
class DemoSandboxesTest extends HubTestSupport {

    HubSpotSandbox hubspot;
    MailchimpSandbox mailchimp;
    SalesforceSandbox salesforce;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        try {
            hubspot = new HubSpotSandbox(0);
            mailchimp = new MailchimpSandbox(0, "demo-list");
            salesforce = new SalesforceSandbox(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Demo.SEED.forEach(e -> {
            hubspot.seed(e);
            mailchimp.seed("demo-list", e);
            salesforce.seed(e);
        });
        Properties p = new Properties();
        p.putAll(Map.of("lethe.connectors", "hubspot,mailchimp,salesforce",
                "lethe.hubspot.base-url", hubspot.baseUrl(), "lethe.hubspot.token", HubSpotSandbox.TOKEN,
                "lethe.mailchimp.base-url", mailchimp.baseUrl() + "/3.0", "lethe.mailchimp.api-key", MailchimpSandbox.API_KEY,
                "lethe.mailchimp.list-ids", "demo-list", "lethe.salesforce.login-url", salesforce.baseUrl(),
                "lethe.salesforce.client-id", SalesforceSandbox.CLIENT_ID,
                "lethe.salesforce.client-secret", SalesforceSandbox.CLIENT_SECRET,
                "lethe.salesforce.refresh-token", SalesforceSandbox.REFRESH_TOKEN));
        p.put("lethe.dispatch.poll-ms", "50");
        return p;
    }

    @AfterAll
    void stopSandboxes() {
        hubspot.close();
        mailchimp.close();
        salesforce.close();
    }

    @Test
    void an_opt_out_arrives_in_every_sandbox() {
        api.post("/api/v1/consents", ADMIN_KEY,
                "{\"subject\":{\"email\":\"ann@example.com\"},\"purpose\":\"email_marketing\",\"status\":\"withdrawn\"}");
        api.post("/api/v1/consents", ADMIN_KEY,
                "{\"subject\":{\"email\":\"bo@example.com\"},\"purpose\":\"analytics\",\"status\":\"withdrawn\"}");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(((Map<?, ?>) hubspot.contacts()).get("ann@example.com")).isEqualTo("UNSUBSCRIBED");
            assertThat(((Map<?, ?>) hubspot.contacts()).get("bo@example.com")).isEqualTo("SUBSCRIBED");
            assertThat(((Map<?, ?>) ((Map<?, ?>) mailchimp.contacts()).get("demo-list")).get("ann@example.com"))
                    .isEqualTo("unsubscribed");
            Map<?, ?> sf = (Map<?, ?>) salesforce.contacts();
            JsonNode ann = (JsonNode) sf.get("003000000000001AAA");
            JsonNode boIndividual = (JsonNode) sf.get("0PK000000000002AAA");
            assertThat(ann.path("HasOptedOutOfEmail").asBoolean()).isTrue();
            assertThat(boIndividual.path("HasOptedOutTracking").asBoolean()).isTrue();
        });
    }

    @Test
    void an_erasure_removes_the_person_from_every_sandbox() {
        String id = api.post("/api/v1/requests", ADMIN_KEY,
                "{\"type\":\"erasure\",\"subject\":{\"email\":\"cy@example.com\"}}").json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(api.get("/api/v1/requests/" + id, ADMIN_KEY).json().path("status").asText()).isEqualTo("completed");
            assertThat(((Map<?, ?>) hubspot.contacts()).containsKey("cy@example.com")).isFalse();
            assertThat(((Map<?, ?>) ((Map<?, ?>) mailchimp.contacts()).get("demo-list")).containsKey("cy@example.com"))
                    .isFalse();
            assertThat(salesforce.contacts().toString()).doesNotContain("cy@example.com");
        });
    }
}
