package io.lethe.connectors.salesforce;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.Addresses;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Salesforce with the data users have: 10,000 withdrawals of addresses of 25 to 254 characters, people held as
 * Contacts, as Leads or as both, some Leads converted. Before look-ups were cut by encoded length, a batch of 200
 * such addresses made a query URL over camel-salesforce's header limit: the batch never left and was retried
 * forever. Then look-ups were cut by encoded length, which cost about five queries per 200 people. Now look-ups
 * travel in the body of Composite calls (two queries of up to 1,000 addresses in one call) and changes go five
 * collections of 200 to a Composite call; the sandbox refuses what Salesforce refuses (25 sub-requests, 5 queries or
 * collections, 100,000 characters of SOQL, 200 records per collection, 16 KiB of URI and headers).
 */
abstract class SalesforceLargeBatchTest extends SalesforceHub {

    static final int PEOPLE = Integer.getInteger("lethe.test.salesforce-people", 10_000);

    @Test
    void ten_thousand_withdrawals_reach_every_contact_and_lead_in_calls_salesforce_accepts() {
        List<String> emails = Addresses.realistic(PEOPLE, "sf");
        List<String> expected = new ArrayList<>();
        List<String> converted = new ArrayList<>();
        for (int i = 0; i < emails.size(); i++) {
            if (i % 3 != 2) { // two in three are Contacts
                expected.add(org.addContact(emails.get(i), i % 2 == 0));
            }
            if (i % 3 != 0) { // two in three are Leads (so a third are only Leads, a third both)
                expected.add(org.addLead(emails.get(i), false, false));
            }
            if (i % 50 == 0) {
                converted.add(org.addLead(emails.get(i), true, false));
            }
        }

        for (int from = 0; from < emails.size(); from += 1000) {
            StringBuilder body = new StringBuilder("{\"events\":[");
            for (int i = from; i < from + 1000; i++) {
                body.append(i == from ? "" : ",").append("{\"subject\":{\"email\":\"").append(emails.get(i))
                        .append("\"},\"purpose\":\"email_marketing\",\"status\":\"withdrawn\"}");
            }
            assertThat(api.post("/api/v1/consents/batch", ADMIN_KEY, body.append("]}").toString()).status()).isEqualTo(200);
        }

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (JsonNode c : api.get("/api/v1/connectors", COMPLIANCE_KEY).json()) {
                if (c.path("id").asText().equals("salesforce")) {
                    return c.path("pending").asLong() == 0;
                }
            }
            throw new AssertionError("no salesforce connector listed");
        });

        JsonNode entries = api.get("/api/v1/sync-log?vendor=salesforce&limit=1000", COMPLIANCE_KEY).json().path("entries");
        Map<String, Long> outcomes = new TreeMap<>();
        entries.forEach(e -> outcomes.merge(e.path("outcome").asText(), 1L, Long::sum));
        Map<String, Long> answers = new TreeMap<>();
        sandbox.requests().forEach(r -> answers.merge(r.method() + " " + r.path().replaceAll("/query/.+", "/query/{locator}"), 1L, Long::sum));
        assertThat(expected.stream().filter(id -> !Boolean.TRUE.equals(org.record(id).get("HasOptedOutOfEmail"))).count())
                .as("records not opted out; sync-log outcomes %s; calls %s", outcomes, answers).isZero();
        assertThat(converted.stream().filter(id -> !Boolean.FALSE.equals(org.record(id).get("HasOptedOutOfEmail"))).count())
                .as("converted Leads touched").isZero();
        // Salesforce allows 16,384 bytes of URI and headers and recommends URIs under 2,000 characters.
        assertThat(longestUri()).isLessThan(2000 - sandbox.baseUrl().length());
        assertThat(sandbox.requests()).allSatisfy(r -> assertThat(r.method()).isIn("GET", "PATCH", "POST"));
        assertThat(entries).isNotEmpty();
        entries.forEach(e -> assertThat(e.path("outcome").asText()).isEqualTo("delivered"));
        // The documented floor: changes go 1,000 records to a Composite call (five collections of 200); look-ups
        // need every address as a SOQL literal twice (Contact and Lead), at most 5 queries of 100,000 characters
        // to a call. What group commit claims at once decides how close a run comes, so the bound is loose.
        long calls = apiCalls().size();
        int updates = subrequests("PATCH", API + "/composite/sobjects").size();
        long composites = sandbox.requests("POST", API + "/composite").size();
        long literals = emails.stream().mapToLong(e -> e.length() + 3).sum();
        long minimum = (long) Math.ceil(expected.size() / 1000.0) + (long) Math.ceil(2 * literals / 500_000.0);
        System.out.printf("salesforce %d people, %d records: %d calls (%d composite, %d collection updates), "
                + "minimum %d; calls %s%n", PEOPLE, expected.size(), calls, composites, updates, minimum, answers);
        assertThat(calls).as("calls %s", answers).isLessThanOrEqualTo(Math.round(1.5 * minimum));
    }

    @Test
    void a_thousand_erasures_are_deleted_and_read_back_and_a_thousand_exports_found_in_few_calls() {
        List<String> emails = Addresses.realistic(1000, "sferase");
        List<io.lethe.connectors.Target> erase = new ArrayList<>();
        List<io.lethe.connectors.Target> export = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < emails.size(); i++) {
            ids.add(org.addContact(emails.get(i), false));
            if (i % 2 == 0) {
                ids.add(org.addLead(emails.get(i), i % 4 == 0, false)); // converted ones are deleted too
            }
            var t = new io.lethe.connectors.Target(i + 1, "s" + i, "erase", null, List.of(emails.get(i)), List.of(),
                    Map.of(), "r" + i, "GDPR");
            erase.add(t);
            export.add(new io.lethe.connectors.Target(i + 1, "s" + i, "export", null, List.of(emails.get(i)), List.of(),
                    Map.of(), "r" + i, "GDPR"));
        }
        var engine = context.getRegistry().lookupByNameAndType("connectorEngine",
                io.lethe.connectors.engine.ConnectorEngine.class);
        var connector = context.getRegistry().lookupByNameAndType("connectors", io.lethe.connectors.Connectors.class)
                .enabled("salesforce").orElseThrow();

        sandbox.clearJournal();
        var exported = engine.run(connector, "export", export);
        assertThat(exported).allSatisfy(o -> assertThat(o.outcome()).isEqualTo("completed"));
        assertThat(exported.get(0).data()).contains(emails.get(0));
        assertThat(apiCalls()).as("one Composite call of two queries for 1,000 people").hasSize(1);

        sandbox.clearJournal();
        var erased = engine.run(connector, "erase", erase);
        assertThat(erased).allSatisfy(o -> assertThat(o.outcome()).isEqualTo("verified"));
        assertThat(ids).allSatisfy(id -> assertThat(org.record(id)).isNull());
        // 1,500 records: one look-up, two Composite deletes (1,000 + 500 ids), one read-back
        assertThat(subrequests("DELETE", API + "/composite/sobjects")).hasSize(8);
        assertThat(apiCalls()).hasSize(4);
        assertThat(longestUri()).isLessThan(2000 - sandbox.baseUrl().length());
    }
}
