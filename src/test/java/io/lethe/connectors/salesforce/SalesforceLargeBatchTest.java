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
 * forever. Now every call stays under Salesforce's recommended 2,000 characters of URI and every collection holds
 * at most 200 records (the sandbox refuses more, as Salesforce does).
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
    }
}
