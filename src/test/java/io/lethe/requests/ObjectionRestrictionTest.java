package io.lethe.requests;

import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.lethe.support.VendorFakes.HUBSPOT_OPT_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Objection (Art. 21) and restriction (Art. 18) withdraw purposes everywhere and keep the data. */
class ObjectionRestrictionTest extends HubTestSupport {

    VendorFakes fakes;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        return fakes.hubProperties();
    }

    @AfterAll
    void stop() {
        fakes.close();
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, ADMIN_KEY).json();
    }

    @Test
    void an_objection_to_direct_marketing_needs_no_identity_check_and_reaches_every_vendor() {
        Response filed = api.post("/api/v1/requests", INTAKE_KEY, """
                {"type": "objection", "regulation": "gdpr", "subject": {"email": "object@example.com"},
                 "purposes": ["email_marketing"]}""");
        assertThat(filed.status()).isEqualTo(202);
        assertThat(filed.json().path("status").asText()).isNotEqualTo("identity_unverified");
        String id = filed.json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(fakes.hubspotPosts(HUBSPOT_OPT_OUT)).isNotEmpty();
        JsonNode r = request(id);
        assertThat(r.path("purposes").get(0).asText()).isEqualTo("email_marketing");
        assertThat(r.path("vendors").findValuesAsText("status")).doesNotContain("queued", "failed");
        String subjectId = r.path("subjectId").asText();
        JsonNode email = api.get("/api/v1/subjects/" + subjectId + "/consents", ADMIN_KEY).json().path("purposes")
                .path("email_marketing");
        assertThat(email.path("status").asText()).isEqualTo("withdrawn");
        assertThat(email.path("source").asText()).isEqualTo("request:" + id);
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"object@example.com\"}").status())
                .isEqualTo(200); // the data stays
    }

    @Test
    void a_restriction_stops_every_purpose_but_keeps_the_data() {
        String id = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "restriction", "subject": {"email": "restrict@example.com"}}""").json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        String subjectId = request(id).path("subjectId").asText();
        JsonNode purposes = api.get("/api/v1/subjects/" + subjectId + "/consents", ADMIN_KEY).json().path("purposes");
        assertThat(purposes.size()).isEqualTo(5);
        purposes.forEach(p -> assertThat(p.path("status").asText()).isEqualTo("withdrawn"));
    }

    @Test
    void an_objection_names_configured_purposes() {
        assertThat(api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "objection", "subject": {"email": "o2@example.com"}, "purposes": ["telepathy"]}""")
                .json().path("errors").get(0).path("field").asText()).isEqualTo("purposes[0]");
        assertThat(api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "objection", "subject": {"email": "o2@example.com"}}""").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "subject": {"email": "o2@example.com"}, "purposes": ["analytics"]}""").status())
                .isEqualTo(400);
    }
}
