package io.lethe.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.lethe.support.VendorFakes.HUBSPOT_OPT_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A withdrawal travels to HubSpot, Mailchimp and Salesforce, each in its own API's shape, and lands in the sync log. */
abstract class OptOutPropagationTest extends HubTestSupport {

    VendorFakes fakes;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.metrics.enabled", "true");
        return p;
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    @BeforeEach
    void healthyVendors() {
        // A previous test's commands may still be in flight: let them land before the fakes forget their requests,
        // or they would be counted as this test's calls.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode list = api.get("/api/v1/connectors", COMPLIANCE_KEY).json();
            for (JsonNode c : list) {
                if (c.path("pending").asLong() > 0) {
                    return false;
                }
            }
            return true;
        });
        fakes.reset();
    }

    String withdraw(String email, String purpose) {
        Response r = api.send("POST", "/api/v1/consents", INTAKE_KEY, "application/json", """
                {"subject": {"email": "%s"}, "purpose": "%s", "status": "withdrawn", "source": "preference-centre"}"""
                .formatted(email, purpose), "Sec-GPC", "0", "X-Tenant-Secret", "do-not-forward");
        assertThat(r.status()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    @Test
    void an_email_marketing_withdrawal_reaches_every_vendor_in_its_own_api_shape() {
        fakes.salesforceContact("ann@example.com", "003000000000001AAA", "0PK000000000001AAA");
        String subjectId = withdraw("Ann@Example.com", "email_marketing");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(fakes.hubspotPosts(HUBSPOT_OPT_OUT)).hasSize(1);
            assertThat(fakes.mailchimpBatches(VendorFakes.LIST_A)).hasSize(1);
            assertThat(fakes.mailchimpBatches(VendorFakes.LIST_B)).hasSize(1);
            assertThat(fakes.salesforceCollections("PATCH")).hasSize(1);
        });

        JsonNode hubspotBody = VendorFakes.json(fakes.hubspotPosts(HUBSPOT_OPT_OUT).get(0));
        assertThat(hubspotBody.path("inputs").get(0).asText()).isEqualTo("ann@example.com");
        JsonNode mailchimpBody = VendorFakes.json(fakes.mailchimpBatches(VendorFakes.LIST_A).get(0));
        assertThat(mailchimpBody.path("update_existing").asBoolean()).isTrue();
        assertThat(mailchimpBody.path("members").get(0).path("status").asText()).isEqualTo("unsubscribed");
        assertThat(mailchimpBody.path("members").get(0).path("email_address").asText()).isEqualTo("ann@example.com");
        // What the vendors now hold, not only what they were sent (journalled as it arrives, applied as answered).
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(fakes.hubspotVendor.contacts().unsubscribedFromAll("ann@example.com")).isTrue();
            assertThat(fakes.mailchimpVendor.statuses(VendorFakes.LIST_A)).containsEntry("ann@example.com", "unsubscribed");
            assertThat(fakes.mailchimpVendor.statuses(VendorFakes.LIST_B)).containsEntry("ann@example.com", "unsubscribed");
        });
        JsonNode sfBody = fakes.salesforceCollections("PATCH").get(0);
        assertThat(sfBody.path("allOrNone").asBoolean(true)).isFalse();
        assertThat(sfBody.path("records").get(0).path("attributes").path("type").asText()).isEqualTo("Contact");
        assertThat(sfBody.path("records").get(0).path("HasOptedOutOfEmail").asBoolean()).isTrue();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode vendors = api.get("/api/v1/subjects/" + subjectId + "/vendors", COMPLIANCE_KEY).json().path("vendors");
            assertThat(vendors).hasSize(3);
            vendors.forEach(v -> assertThat(v.path("status").asText()).as(v.toString()).isEqualTo("done"));
        });
        JsonNode log = api.get("/api/v1/sync-log?subjectId=" + subjectId, COMPLIANCE_KEY).json();
        assertThat(log.path("entries").findValuesAsText("vendor")).containsExactlyInAnyOrder("hubspot", "mailchimp",
                "salesforce");
        assertThat(log.path("entries").findValuesAsText("outcome")).containsOnly("delivered");
        assertThat(log.toString()).doesNotContain("ann@example.com").doesNotContainIgnoringCase("Ann@Example.com");
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
    }

    @Test
    void other_purposes_go_only_to_the_connectors_that_map_them() {
        fakes.salesforceContact("bo@example.com", "003000000000002AAA", "0PK000000000002AAA");
        String subjectId = withdraw("bo@example.com", "profiling");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(fakes.salesforceCollections("PATCH")).hasSize(1));
        JsonNode record = fakes.salesforceCollections("PATCH").get(0).path("records").get(0);
        assertThat(record.path("attributes").path("type").asText()).isEqualTo("Individual");
        assertThat(record.path("id").asText()).isEqualTo("0PK000000000002AAA");
        assertThat(record.path("HasOptedOutProfiling").asBoolean()).isTrue();
        assertThat(fakes.hubspotPosts(HUBSPOT_OPT_OUT)).isEmpty();
        JsonNode vendors = api.get("/api/v1/subjects/" + subjectId + "/vendors", ADMIN_KEY).json().path("vendors");
        assertThat(vendors.findValuesAsText("vendor")).containsExactly("salesforce");
    }

    @Test
    void no_header_of_the_hub_or_its_client_reaches_a_vendor() {
        withdraw("cy@example.com", "email_marketing");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(fakes.hubspotPosts(HUBSPOT_OPT_OUT)).isNotEmpty();
            assertThat(fakes.mailchimpBatches(VendorFakes.LIST_A)).isNotEmpty();
        });
        List<SandboxRequest> requests = new java.util.ArrayList<>();
        requests.addAll(fakes.hubspot.requests());
        requests.addAll(fakes.mailchimp.requests());
        for (SandboxRequest r : requests) {
            for (String name : r.headers().keySet()) {
                assertThat(name.toLowerCase()).as("header sent to a vendor").isIn("authorization", "content-type",
                        "accept", "content-length", "host", "connection", "user-agent", "accept-encoding",
                        "transfer-encoding");
            }
            assertThat(r.header("Authorization")).doesNotContain(INTAKE_KEY);
        }
    }

    @Test
    void sync_log_pages_filters_and_exports_csv() {
        withdraw("dee@example.com", "email_marketing");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                api.get("/api/v1/sync-log?vendor=mailchimp", ADMIN_KEY).json().path("entries").size() >= 1);
        JsonNode first = api.get("/api/v1/sync-log?limit=1", ADMIN_KEY).json();
        assertThat(first.path("entries")).hasSize(1);
        long next = first.path("nextAfter").asLong();
        JsonNode second = api.get("/api/v1/sync-log?limit=1&after=" + next, ADMIN_KEY).json();
        assertThat(second.path("entries").get(0).path("seq").asLong()).isGreaterThan(next);
        Response csv = api.get("/api/v1/sync-log?format=csv&vendor=hubspot", COMPLIANCE_KEY);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.body().lines().findFirst().orElseThrow()).startsWith("seq,at,vendor,subjectId");
        assertThat(api.get("/api/v1/sync-log?limit=0", ADMIN_KEY).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/sync-log?limit=5000", ADMIN_KEY).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/sync-log?from=yesterday", ADMIN_KEY).json().path("errors").get(0).path("field")
                .asText()).isEqualTo("from");
        assertThat(api.get("/api/v1/sync-log?format=xml", ADMIN_KEY).status()).isEqualTo(400);
    }

    @Test
    void tampering_with_the_sync_log_is_detected() throws Exception {
        withdraw("eve@example.com", "email_marketing");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                api.get("/api/v1/sync-log?vendor=hubspot", ADMIN_KEY).json().path("entries").size() >= 1);
        long seq = api.get("/api/v1/sync-log?vendor=hubspot", ADMIN_KEY).json().path("entries").get(0).path("seq").asLong();
        try (var c = database.connect(); var s = c.createStatement()) {
            s.executeUpdate("update sync_log set outcome = 'not_found' where seq = " + seq);
        }
        JsonNode verdict = api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json();
        assertThat(verdict.path("valid").asBoolean()).isFalse();
        assertThat(verdict.path("firstBrokenSeq").asLong()).isEqualTo(seq);
        try (var c = database.connect(); var s = c.createStatement()) {
            s.executeUpdate("update sync_log set outcome = 'delivered' where seq = " + seq);
        }
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
    }

    @Test
    void metrics_count_vendor_outcomes_without_personal_data() {
        withdraw("metrics.person@example.com", "email_marketing");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String metrics = api.get("/observe/metrics", null).body();
            assertThat(metrics).contains("lethe_vendor_outcomes_total{connector=\"hubspot\",outcome=\"delivered\"}");
            assertThat(metrics).contains("lethe_outbox_unfinished{connector=\"mailchimp\"}");
        });
        assertThat(api.get("/observe/metrics", null).body()).doesNotContain("@example.com").doesNotContain("metrics.person");
    }

    @Test
    void connectors_report_health_and_pending_commands() {
        JsonNode list = api.get("/api/v1/connectors", COMPLIANCE_KEY).json();
        assertThat(list.findValuesAsText("id")).contains("hubspot", "mailchimp", "salesforce", "manual");
        list.forEach(c -> {
            // The connectors this hub enables (others, e.g. manual and webhook, are known but disabled).
            boolean enabled = java.util.Set.of("hubspot", "mailchimp", "salesforce").contains(c.path("id").asText());
            assertThat(c.path("enabled").asBoolean()).isEqualTo(enabled);
            assertThat(c.path("health").asText()).isEqualTo(enabled ? "up" : "disabled");
            assertThat(c.has("pending")).isTrue();
            assertThat(c.has("lastSyncAt")).isTrue();
        });
    }

}
