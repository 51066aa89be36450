package io.lethe.reconcile;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.lethe.support.VendorFakes.HUBSPOT_OPT_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each reconciliation rule end to end against a paging HubSpot fake; runs on H2 and PostgreSQL (subclasses). */
abstract class ReconcileTest extends HubTestSupport {

    static final String CONTACTS = "/crm/v3/objects/contacts";
    VendorFakes fakes;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "hubspot,mailchimp,salesforce");
        p.put("lethe.mailchimp.list-ids", VendorFakes.LIST_A);
        return p;
    }

    @AfterAll
    void stop() {
        fakes.close();
    }

    @BeforeEach
    void healthy() {
        fakes.reset();
    }

    /**
     * Lets the hub finish sending what the test's consents caused, so the state seeded next is what the vendor holds
     * (a later opt-out would otherwise overwrite a "subscribed" the test means to show as drift).
     */
    void awaitDispatched() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode c : api.get("/api/v1/connectors", COMPLIANCE_KEY).json()) {
                if (c.path("pending").asLong() > 0) {
                    return false;
                }
            }
            return true;
        });
    }

    /** HubSpot holds these contacts, the opted-out ones unsubscribed from all e-mail, handed out two per page. */
    void hubspotHas(Map<String, Boolean> optedOutByEmail) {
        awaitDispatched();
        fakes.hubspotVendor.pageCap(2); // paging.next.after must be followed: five contacts come in three pages
        optedOutByEmail.forEach((email, optedOut) -> {
            fakes.hubspotVendor.seed(email, (String) null);
            if (optedOut) {
                fakes.hubspotVendor.contacts().unsubscribeFromAll(email);
            }
        });
    }

    void consent(String email, String status) {
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, "{\"subject\":{\"email\":\"" + email
                + "\"},\"purpose\":\"email_marketing\",\"status\":\"" + status + "\"}").status()).isEqualTo(201);
    }

    JsonNode runToEnd(String connector, boolean dryRun) {
        Response started = api.post("/api/v1/connectors/" + connector + "/reconcile?dryRun=" + dryRun, ADMIN_KEY, "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String runId = started.json().path("runId").asText();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !api.get("/api/v1/reconcile-runs/" + runId, COMPLIANCE_KEY).json().path("status").asText().equals("running"));
        return api.get("/api/v1/reconcile-runs/" + runId, COMPLIANCE_KEY).json();
    }

    @Test
    void every_rule_is_found_reported_and_applied_and_a_dry_run_changes_nothing() {
        consent("repair@example.com", "withdrawn");
        consent("vendorout@example.com", "granted");
        consent("erased@example.com", "granted");
        consent("fine@example.com", "granted"); // subscribed and granted: no drift
        String erasure = api.post("/api/v1/requests", ADMIN_KEY,
                "{\"type\":\"erasure\",\"subject\":{\"email\":\"erased@example.com\"}}").json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(15)).until(() ->
                api.get("/api/v1/requests/" + erasure, ADMIN_KEY).json().path("status").asText().equals("completed"));
        Map<String, Boolean> contacts = new LinkedHashMap<>();
        contacts.put("repair@example.com", false);
        contacts.put("vendorout@example.com", true);
        contacts.put("ERASED@example.com", false); // back at HubSpot after the erasure (a re-import)
        contacts.put("stranger@example.com", false);
        contacts.put("fine@example.com", false);
        hubspotHas(contacts);
        int optOutsBefore = fakes.hubspotPosts(HUBSPOT_OPT_OUT).size();
        long subjectsBefore = database.count("subject");

        JsonNode dry = runToEnd("hubspot", true);
        assertThat(dry.path("status").asText()).isEqualTo("completed");
        assertThat(dry.path("dryRun").asBoolean()).isTrue();
        assertThat(dry.path("scanned").asLong()).isEqualTo(5);
        JsonNode drift = dry.path("drift");
        assertThat(drift.path("optout_repair").asLong()).isEqualTo(1);
        assertThat(drift.path("vendor_optout").asLong()).isEqualTo(1);
        assertThat(drift.path("reimport").asLong()).isEqualTo(1);
        assertThat(drift.path("unknown_contact").asLong()).isEqualTo(1);
        assertThat(dry.path("actions").findValuesAsText("status")).containsOnly("would_apply");
        assertThat(database.count("subject")).isEqualTo(subjectsBefore);
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"stranger@example.com\"}").status())
                .isEqualTo(404);
        await().pollDelay(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(fakes.hubspotPosts(HUBSPOT_OPT_OUT)).hasSize(optOutsBefore);
        assertThat(fakes.hubspot.requests("GET", CONTACTS)).hasSize(3);

        JsonNode real = runToEnd("hubspot", false);
        assertThat(real.path("drift")).isEqualTo(drift);
        assertThat(real.path("actions").findValuesAsText("rule")).containsExactlyInAnyOrder("optout_repair",
                "vendor_optout", "reimport", "unknown_contact");
        assertThat(real.toString()).doesNotContain("@example.com");

        // optout_repair: HubSpot is told again
        await().atMost(Duration.ofSeconds(10)).until(() ->
                fakes.hubspotVendor.contacts().unsubscribedFromAll("repair@example.com"));
        // vendor_optout: a withdrawal from vendor:hubspot, with what was seen, propagated to Mailchimp
        String outId = api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"vendorout@example.com\"}").json()
                .path("subjectId").asText();
        JsonNode state = api.get("/api/v1/subjects/" + outId + "/consents", ADMIN_KEY).json().path("purposes")
                .path("email_marketing");
        assertThat(state.path("status").asText()).isEqualTo("withdrawn");
        assertThat(state.path("source").asText()).isEqualTo("vendor:hubspot");
        JsonNode events = api.get("/api/v1/subjects/" + outId + "/consents/history", ADMIN_KEY).json().path("events");
        assertThat(events.get(events.size() - 1).path("evidence").path("observed").asText()).contains("hubspot");
        await().atMost(Duration.ofSeconds(10)).until(() -> "unsubscribed".equals(
                fakes.mailchimpVendor.statuses(VendorFakes.LIST_A).get("vendorout@example.com")));
        // reimport: erased again (a new erasure request, which completes)
        await().atMost(Duration.ofSeconds(15)).until(() -> fakes.hubspotPosts(VendorFakes.HUBSPOT_GDPR_DELETE).stream()
                .filter(r -> r.bodyText().contains("erased@example.com")).count() >= 2
                && fakes.hubspotVendor.contact("erased@example.com") == null);
        // unknown_contact: registered with no consent on record
        String stranger = api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"stranger@example.com\"}").json()
                .path("subjectId").asText();
        assertThat(api.get("/api/v1/subjects/" + stranger + "/consents", ADMIN_KEY).json().path("purposes").size())
                .isZero();
    }

    @Test
    void mailchimp_members_are_read_page_by_page() {
        consent("mc.repair@example.com", "withdrawn");
        awaitDispatched();
        fakes.mailchimpVendor.seedInList(VendorFakes.LIST_A, "mc.repair@example.com", "subscribed");
        fakes.mailchimpVendor.seedInList(VendorFakes.LIST_A, "mc.other@example.com", "cleaned");
        fakes.mailchimpVendor.seedInList(VendorFakes.LIST_A, "mc.third@example.com", "unsubscribed");
        fakes.mailchimpVendor.pageCap(2); // offset paging must be followed to total_items
        JsonNode run = runToEnd("mailchimp", true);
        assertThat(fakes.mailchimp.requests("GET", "/3.0/lists/list-a/members")).hasSize(2);
        assertThat(run.path("scanned").asLong()).isEqualTo(3);
        assertThat(run.path("drift").path("optout_repair").asLong()).isEqualTo(1);
        assertThat(run.path("drift").path("unknown_contact").asLong()).isEqualTo(2);
    }

    @Test
    void salesforce_contacts_are_read_through_query_more() {
        consent("sf.granted@example.com", "granted");
        String granted = fakes.salesforceVendor.addContact("sf.granted@example.com", false);
        fakes.salesforceVendor.set(granted, "HasOptedOutOfEmail", true);
        fakes.salesforceVendor.addContact("sf.new@example.com", false);
        fakes.salesforceVendor.addContact("sf.other@example.com", false);
        // A person who is only a Lead is read too (unconverted Leads: converted ones became Contacts).
        fakes.salesforceVendor.addLead("sf.only.a.lead@example.com", false, false);
        fakes.salesforceVendor.addLead("sf.converted@example.com", true, false);
        fakes.salesforceVendor.pageSize(2); // three Contacts: the third comes through query more
        JsonNode run = runToEnd("salesforce", true);
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("completed");
        assertThat(run.path("scanned").asLong()).isEqualTo(4);
        assertThat(run.path("drift").path("vendor_optout").asLong()).isEqualTo(1);
        assertThat(run.path("drift").path("unknown_contact").asLong()).isEqualTo(3);
    }

    @Test
    void one_run_per_connector_and_an_interrupted_run_can_be_started_again() {
        fakes.hubspot.injectDelay(r -> r.path().equals(CONTACTS), Integer.MAX_VALUE, Duration.ofSeconds(2));
        String first = api.post("/api/v1/connectors/hubspot/reconcile?dryRun=true", ADMIN_KEY, "{}").json()
                .path("runId").asText();
        assertThat(api.post("/api/v1/connectors/hubspot/reconcile", ADMIN_KEY, "{}").status()).isEqualTo(409);
        assertThat(api.get("/api/v1/reconcile-runs/" + first, ADMIN_KEY).json().path("status").asText())
                .isEqualTo("running");
        // A stop of the hub leaves the run "running"; the next start marks it failed so a new run can begin.
        context.getRegistry().lookupByNameAndType("reconcileRuns", ReconcileRuns.class).interruptRunning();
        assertThat(api.get("/api/v1/reconcile-runs/" + first, ADMIN_KEY).json().path("status").asText())
                .isEqualTo("failed");
        assertThat(api.post("/api/v1/connectors/hubspot/reconcile?dryRun=true", ADMIN_KEY, "{}").status()).isEqualTo(202);
    }

    @Test
    void bad_calls_are_refused() {
        assertThat(api.post("/api/v1/connectors/hubspot/reconcile?dryRun=maybe", ADMIN_KEY, "{}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/connectors/nosuch/reconcile", ADMIN_KEY, "{}").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/connectors/manual/reconcile", ADMIN_KEY, "{}").status()).isEqualTo(409);
        assertThat(api.get("/api/v1/reconcile-runs/nope", ADMIN_KEY).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/connectors/hubspot/reconcile", COMPLIANCE_KEY, "{}").status()).isEqualTo(403);
    }
}
