package io.lethe.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's sandboxes, set up as the demo sets them up, and the real connectors agree: an opt-out or an erasure
 * changes what each sandbox shows at {@code GET /_sandbox/state}.
 */
class DemoSandboxesTest extends HubTestSupport {

    DemoVendors vendors;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        try {
            vendors = DemoVendors.start(false, Demo.SEED);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Properties p = new Properties();
        p.putAll(vendors.properties);
        p.put("lethe.dispatch.poll-ms", "50");
        // as the demo: the sandboxes' asynchronous jobs are polled every few seconds
        p.put("lethe.jobs.first-poll-after", "1s");
        p.put("lethe.jobs.max-poll-interval", "2s");
        p.put("lethe.jobs.check-ms", "500");
        for (String vendor : List.of("braze", "klaviyo")) {                 // as the demo: queued deletions read back
            p.put("lethe." + vendor + ".verify-after", "PT1S");
            p.put("lethe." + vendor + ".verify-every", "PT1S");
        }
        return p;
    }

    @AfterAll
    void stopSandboxes() {
        vendors.close();
    }

    /** What a newcomer sees at the vendor's state page. */
    JsonNode state(String vendor) throws Exception {
        String url = vendors.urls.get(vendor) + "/_sandbox/state";
        return new ObjectMapper().readTree(new java.net.URL(url));
    }

    @Test
    void every_vendor_of_the_demo_is_enabled_in_the_hub() {
        assertThat(vendors.properties.get("lethe.connectors").split(",")).contains("hubspot", "mailchimp", "salesforce");
    }

    @Test
    void an_opt_out_arrives_in_every_sandbox() {
        api.post("/api/v1/consents", ADMIN_KEY,
                "{\"subject\":{\"email\":\"ann@example.com\"},\"purpose\":\"email_marketing\",\"status\":\"withdrawn\"}");
        api.post("/api/v1/consents", ADMIN_KEY,
                "{\"subject\":{\"email\":\"bo@example.com\"},\"purpose\":\"analytics\",\"status\":\"withdrawn\"}");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode hubspot = state("hubspot");
            assertThat(hubspot.path("contacts").path("ann@example.com").path("hs_email_optout").asText()).isEqualTo("true");
            assertThat(hubspot.path("contacts").path("bo@example.com").path("hs_email_optout").asText()).isEqualTo("false");
            assertThat(hubspot.path("unsubscribedFromAllEmail").toString()).contains("ann@example.com");
            assertThat(state("mailchimp").path("lists").path("demo-list").path("ann@example.com").path("status").asText())
                    .isEqualTo("unsubscribed");
            // Salesforce: ann's Contact opted out of e-mail, the Individual of bo's Contact of tracking.
            JsonNode sf = state("salesforce");
            String boIndividual = null;
            for (JsonNode r : sf) {
                if (r.path("Email").asText().equals("ann@example.com")) {
                    assertThat(r.path("HasOptedOutOfEmail").asBoolean()).isTrue();
                }
                if (r.path("Email").asText().equals("bo@example.com")) {
                    boIndividual = r.path("IndividualId").asText();
                }
            }
            assertThat(sf.path(boIndividual).path("HasOptedOutTracking").asBoolean()).isTrue();
        });
    }

    @Test
    void an_erasure_removes_the_person_from_every_sandbox() {
        String id = api.post("/api/v1/requests", ADMIN_KEY,
                "{\"type\":\"erasure\",\"subject\":{\"email\":\"cy@example.com\"}}").json().path("requestId").asText();
        // the register knows Cy by e-mail only: the analytics tools (found by externalId) skip her; the others are
        // read back (at once, later for the queued deletions of Braze and Klaviyo, after SendGrid's contacts job)
        Map<String, String> expected = Map.ofEntries(Map.entry("segment", "skipped"), Map.entry("mixpanel", "skipped"),
                Map.entry("amplitude", "skipped"), Map.entry("ga4", "skipped"));
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            vendors.sandboxes.values().forEach(s -> s.behaviour().completeJobs());
            JsonNode request = api.get("/api/v1/requests/" + id, ADMIN_KEY).json();
            assertThat(request.path("status").asText()).isEqualTo("completed");
            for (JsonNode v : request.path("vendors")) {
                String vendor = v.path("vendor").asText();
                assertThat(v.path("status").asText()).as(vendor).isEqualTo(expected.getOrDefault(vendor, "verified"));
            }
            for (String vendor : vendors.urls.keySet()) {
                assertThat(state(vendor).toString()).as(vendor).doesNotContain("cy@example.com");
            }
        });
    }
}
