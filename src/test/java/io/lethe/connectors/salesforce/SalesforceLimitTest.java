package io.lethe.connectors.salesforce;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Salesforce says its daily API allocation is spent with 403 REQUEST_LIMIT_EXCEEDED (not 429). The connector parks
 * (the DPO sees it in /connectors) instead of retrying in silence, and the withdrawal waits in the outbox.
 */
abstract class SalesforceLimitTest extends SalesforceHub {

    JsonNode connector() {
        for (JsonNode c : api.get("/api/v1/connectors", COMPLIANCE_KEY).json()) {
            if (c.path("id").asText().equals("salesforce")) {
                return c;
            }
        }
        throw new AssertionError("no salesforce connector listed");
    }

    @Test
    void a_spent_api_allocation_parks_the_connector_and_keeps_the_withdrawal() {
        String email = "guadalupe.limited-person@customers.example-company.co.uk";
        String contact = org.addContact(email, false);
        org.apiCallsLeft(0);

        assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn"}""".formatted(email))
                .status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(connector().path("health").asText()).isEqualTo("parked"));
        assertThat(Instant.parse(connector().path("parkedUntil").asText())).isAfter(Instant.now().plusSeconds(600));
        int calls = sandbox.calls();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> sandbox.calls() == calls);
        assertThat(sandbox.requests()).filteredOn(r -> r.path().startsWith(API)).hasSizeLessThanOrEqualTo(2);
        assertThat(org.record(contact).get("HasOptedOutOfEmail")).isEqualTo(false);
        assertThat(connector().path("pending").asLong()).isEqualTo(1);
    }
}
