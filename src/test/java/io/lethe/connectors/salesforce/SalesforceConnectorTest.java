package io.lethe.connectors.salesforce;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.ApiClient.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Salesforce end to end through the public API, against the strict sandbox: a person is every Contact and every
 * unconverted Lead with their address (Leads were once never opted out), Individual flags per purpose, erasure with
 * read-back, access export.
 */
abstract class SalesforceConnectorTest extends SalesforceHub {

    @BeforeEach
    void reset() {
        sandbox.clearJournal();
        org.apiCallsLeft(100_000);
    }

    String withdraw(String email, String purpose) {
        Response r = api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "%s", "status": "withdrawn", "source": "preference-centre"}"""
                .formatted(email, purpose));
        assertThat(r.status()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    JsonNode syncLog(String subjectId) {
        return api.get("/api/v1/sync-log?subjectId=" + subjectId, COMPLIANCE_KEY).json().path("entries");
    }

    @Test
    void an_email_withdrawal_opts_out_the_persons_contact_and_unconverted_lead_but_not_the_converted_one() {
        String email = "annemarie.withdrawn-person@customers.example-company.co.uk";
        String contact = org.addContact(email, true);
        String lead = org.addLead(email.toUpperCase(), false, true);
        String converted = org.addLead(email, true, false);
        String stranger = org.addContact("someone.else.entirely@example.com", false);

        String subjectId = withdraw(email, "email_marketing");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(syncLog(subjectId).findValuesAsText("outcome")).containsExactly("delivered"));
        assertThat(org.record(contact).get("HasOptedOutOfEmail")).isEqualTo(true);
        assertThat(org.record(lead).get("HasOptedOutOfEmail")).isEqualTo(true);
        assertThat(org.record(converted).get("HasOptedOutOfEmail")).isEqualTo(false);
        assertThat(org.record(stranger).get("HasOptedOutOfEmail")).isEqualTo(false);
        assertThat(syncLog(subjectId).toString()).doesNotContainIgnoringCase(email);
    }

    @Test
    void a_purpose_held_on_the_individual_sets_that_flag_once_for_contact_and_lead() {
        String email = "bartholomew.sms-person@mail.example.org";
        String contact = org.addContact(email, true);
        String individual = (String) org.record(contact).get("IndividualId");

        String subjectId = withdraw(email, "sms_marketing");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(org.record(individual).get("HasOptedOutSolicit")).isEqualTo(true));
        assertThat(org.record(individual).get("HasOptedOutTracking")).isEqualTo(false);
        assertThat(org.record(contact).get("HasOptedOutOfEmail")).isEqualTo(false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(syncLog(subjectId).findValuesAsText("outcome")).containsExactly("delivered"));
    }

    @Test
    void an_individual_only_purpose_of_a_person_without_an_individual_changes_nothing_and_says_so() {
        String email = "evangeline.no-individual@customers.example-company.co.uk";
        org.addContact(email, false);
        int patches = subrequests("PATCH", API + "/composite/sobjects").size();

        String subjectId = withdraw(email, "sms_marketing");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(syncLog(subjectId).findValuesAsText("outcome")).containsExactly("not_found"));
        assertThat(subrequests("PATCH", API + "/composite/sobjects")).hasSize(patches);
    }

    @Test
    void an_erasure_deletes_every_contact_and_lead_and_is_verified_by_reading_back() {
        String email = "christophe.erased-person@subsidiary.example-holding-group.de";
        consent(email);
        String contact = org.addContact(email, true);
        String converted = org.addLead(email, true, false);

        String id = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email)).json()
                .path("requestId").asText();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(request(id).path("vendors").findValuesAsText("status")).containsExactly("verified");
        assertThat(org.record(contact)).isNull();
        assertThat(org.record(converted)).isNull();
        // one look-up, one Composite call deleting both records, one read-back: three API calls
        assertThat(subrequests("DELETE", API + "/composite/sobjects")).hasSize(1);
        assertThat(apiCalls()).hasSize(3);
    }

    @Test
    void an_access_request_exports_the_persons_contacts_and_leads() {
        String email = "dominika.exported-person@example.com";
        consent(email);
        String contact = org.addContact(email, false);
        String lead = org.addLead(email, false, false);

        String id = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "access", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email)).json()
                .path("requestId").asText();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        JsonNode records = api.get("/api/v1/requests/" + id + "/export", ADMIN_KEY).json()
                .path("vendors").path("salesforce").path("records");
        assertThat(records.findValuesAsText("Id")).containsExactlyInAnyOrder(contact, lead);
        assertThat(records.findValuesAsText("Email")).containsOnly(email);
    }

    @Test
    void reconciliation_reads_contacts_and_unconverted_leads_page_by_page_and_incrementally() {
        String optedOut = "hildegard.reconciled-person@example.com";
        org.addLead(optedOut, false, false);
        org.addLead("ignatius.converted-person@example.com", true, false);
        for (int i = 0; i < 4; i++) {
            org.addContact("josephine.page" + i + "-person@mail.example.org", false);
        }
        org.pageSize(2);
        try {
            io.lethe.connectors.engine.ConnectorEngine engine = context.getRegistry()
                    .lookupByNameAndType("connectorEngine", io.lethe.connectors.engine.ConnectorEngine.class);
            io.lethe.connectors.Connector connector = context.getRegistry()
                    .lookupByNameAndType("connectors", io.lethe.connectors.Connectors.class).enabled("salesforce").orElseThrow();
            java.util.List<io.lethe.connectors.VendorContact> seen = new java.util.ArrayList<>();
            engine.readState(connector, null, seen::addAll);
            assertThat(seen).extracting(io.lethe.connectors.VendorContact::email)
                    .contains(optedOut, "josephine.page3-person@mail.example.org")
                    .doesNotContain("ignatius.converted-person@example.com");
            assertThat(sandbox.requests()).anyMatch(r -> r.path().matches(".*/query/01g.*"));

            java.util.List<io.lethe.connectors.VendorContact> changed = new java.util.ArrayList<>();
            engine.readState(connector, java.time.Instant.now().plusSeconds(3600), changed::addAll);
            assertThat(changed).isEmpty();
        } finally {
            org.pageSize(2000);
        }
    }

    @Test
    void a_look_up_whose_queries_both_run_over_a_page_follows_every_next_records_url() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        String email = "quentin.paged-person@customers.example-company.co.uk";
        for (int i = 0; i < 3; i++) { // duplicates, as orgs hold them: three Contacts and three Leads of one address
            ids.add(org.addContact(email, false));
            ids.add(org.addLead(email, false, false));
        }
        org.pageSize(2);
        try {
            String subjectId = withdraw(email, "email_marketing");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(syncLog(subjectId).findValuesAsText("outcome")).containsExactly("delivered"));
            assertThat(ids).allSatisfy(id -> assertThat(org.record(id).get("HasOptedOutOfEmail")).isEqualTo(true));
            assertThat(sandbox.requests().stream().filter(r -> r.path().matches(".*/query/01g.*")).count()).isEqualTo(2);
        } finally {
            org.pageSize(2000);
        }
    }

    @Test
    void a_look_up_salesforce_refuses_inside_a_composite_answer_fails_the_command_instead_of_finding_nobody() {
        String email = "rosalind.refused-query@example.com";
        org.addContact(email, false);
        org.failQueries(true);
        try {
            String subjectId = withdraw(email, "email_marketing");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(syncLog(subjectId).findValuesAsText("outcome")).isNotEmpty());
            assertThat(syncLog(subjectId).findValuesAsText("outcome")).doesNotContain("not_found", "delivered");
        } finally {
            org.failQueries(false);
        }
    }

    void consent(String email) {
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "analytics", "status": "granted",
                 "evidence": {"ip": "198.51.100.4", "noticeVersion": "v1"}}""".formatted(email)).status()).isEqualTo(201);
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

}
