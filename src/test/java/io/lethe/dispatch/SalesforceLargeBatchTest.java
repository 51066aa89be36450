package io.lethe.dispatch;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.SalesforcePeople;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.lethe.support.VendorFakes.SF_COLLECTIONS;
import static io.lethe.support.VendorFakes.SF_QUERY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Salesforce with the data users have: 10,000 withdrawals of addresses of 25 to 254 characters, people held as
 * Contacts, as Leads or as both. Before look-ups were sized by encoded length, a batch of 200 such addresses made a
 * query URL over camel-salesforce's header limit: the batch never left and was retried forever.
 */
class SalesforceLargeBatchTest extends HubTestSupport {

    static final int PEOPLE = 10_000;
    VendorFakes fakes;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "salesforce");
        return p;
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    @Test
    void ten_thousand_withdrawals_reach_every_contact_and_lead_in_calls_salesforce_accepts() {
        List<String> emails = Addresses.realistic(PEOPLE, "sf");
        Set<String> expectedIds = new HashSet<>();
        for (int i = 0; i < emails.size(); i++) {
            if (i % 3 != 2) { // two in three are Contacts
                String id = String.format("003%015d", i);
                fakes.salesforcePeople.add("Contact", emails.get(i), id);
                expectedIds.add(id);
            }
            if (i % 3 != 0) { // two in three are Leads (so a third are only Leads, a third both)
                String id = String.format("00Q%015d", i);
                fakes.salesforcePeople.add("Lead", emails.get(i), id);
                expectedIds.add(id);
            }
        }
        fakes.salesforce.stubFor(get(urlPathMatching(SF_QUERY + "/?")).atPriority(1)
                .willReturn(aResponse().withTransformers(SalesforcePeople.NAME)));
        fakes.salesforce.stubFor(patch(urlPathEqualTo(SF_COLLECTIONS)).atPriority(1)
                .willReturn(aResponse().withTransformers(SalesforcePeople.NAME)));

        for (int from = 0; from < emails.size(); from += 1000) {
            StringBuilder body = new StringBuilder("{\"events\":[");
            for (int i = from; i < from + 1000; i++) {
                body.append(i == from ? "" : ",").append("{\"subject\":{\"email\":\"").append(emails.get(i))
                        .append("\"},\"purpose\":\"email_marketing\",\"status\":\"withdrawn\"}");
            }
            var r = api.post("/api/v1/consents/batch", ADMIN_KEY, body.append("]}").toString());
            assertThat(r.status()).isEqualTo(200);
        }

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            for (JsonNode c : api.get("/api/v1/connectors", COMPLIANCE_KEY).json()) {
                if (c.path("id").asText().equals("salesforce")) {
                    return c.path("pending").asLong() == 0;
                }
            }
            throw new AssertionError("no salesforce connector listed");
        });

        Set<String> updated = new HashSet<>();
        for (LoggedRequest r : fakes.salesforce.findAll(patchRequestedFor(urlPathEqualTo(SF_COLLECTIONS)))) {
            JsonNode records = VendorFakes.json(r).path("records");
            assertThat(records.size()).isLessThanOrEqualTo(200);
            records.forEach(record -> {
                assertThat(record.path("HasOptedOutOfEmail").asBoolean()).isTrue();
                assertThat(record.path("attributes").path("type").asText())
                        .isEqualTo(record.path("id").asText().startsWith("00Q") ? "Lead" : "Contact");
                updated.add(record.path("id").asText());
            });
        }
        assertThat(updated).containsExactlyInAnyOrderElementsOf(expectedIds);
        // Salesforce allows 16,384 bytes of URI and headers and recommends URIs under 2,000 characters.
        int longest = fakes.salesforce.findAll(anyRequestedFor(urlPathMatching(".*"))).stream()
                .mapToInt(r -> r.getAbsoluteUrl().length()).max().orElse(0);
        assertThat(longest).isLessThan(2000);
        JsonNode entries = api.get("/api/v1/sync-log?vendor=salesforce&limit=1000", COMPLIANCE_KEY).json().path("entries");
        entries.forEach(e -> assertThat(e.path("outcome").asText()).isEqualTo("delivered"));
    }
}
