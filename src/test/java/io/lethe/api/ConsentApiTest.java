package io.lethe.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Recording and reading consent through the API, end to end; runs on H2 and on PostgreSQL (see subclasses). */
abstract class ConsentApiTest extends HubTestSupport {

    static final String EVENT = """
            {"subject": {"email": "%s", "externalId": "%s"},
             "purpose": "email_marketing", "status": "%s", "lawfulBasis": "consent", "source": "web-form",
             "capturedAt": "%s",
             "evidence": {"noticeVersion": "2026-01", "ip": "203.0.113.7", "userAgent": "Mozilla/5.0"}}""";

    static String event(String email, String externalId, String status, String capturedAt) {
        return EVENT.formatted(email, externalId, status, capturedAt);
    }

    @Test
    void a_recorded_event_comes_back_in_history_with_its_evidence_and_sets_the_current_state() {
        Response created = api.post("/api/v1/consents", INTAKE_KEY,
                event("Ann@Example.com", "crm-123", "granted", "2026-11-28T10:00:00Z"));
        assertThat(created.status()).isEqualTo(201);
        String subjectId = created.json().path("subjectId").asText();
        String eventId = created.json().path("eventId").asText();

        JsonNode history = api.get("/api/v1/subjects/" + subjectId + "/consents/history", COMPLIANCE_KEY).json();
        assertThat(history.path("subjectId").asText()).isEqualTo(subjectId);
        JsonNode first = history.path("events").get(0);
        assertThat(first.path("eventId").asText()).isEqualTo(eventId);
        assertThat(first.path("purpose").asText()).isEqualTo("email_marketing");
        assertThat(first.path("status").asText()).isEqualTo("granted");
        assertThat(first.path("capturedAt").asText()).isEqualTo("2026-11-28T10:00:00Z");
        assertThat(first.path("evidence").path("ip").asText()).isEqualTo("203.0.113.7");
        assertThat(first.path("evidence").path("noticeVersion").asText()).isEqualTo("2026-01");

        JsonNode current = api.get("/api/v1/subjects/" + subjectId + "/consents", MARKETER_KEY).json();
        JsonNode email = current.path("purposes").path("email_marketing");
        assertThat(email.path("status").asText()).isEqualTo("granted");
        assertThat(email.path("since").asText()).isEqualTo("2026-11-28T10:00:00Z");
        assertThat(email.path("lawfulBasis").asText()).isEqualTo("consent");
        assertThat(email.path("source").asText()).isEqualTo("web-form");
    }

    @Test
    void the_same_person_is_found_by_any_of_their_identities_and_the_latest_capture_wins() {
        String first = api.post("/api/v1/consents", ADMIN_KEY, event("bo@example.com", "crm-bo", "granted",
                "2026-11-01T10:00:00Z")).json().path("subjectId").asText();
        // Recorded later but captured earlier: it joins the history without changing the current state.
        Response older = api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"externalId": "crm-bo"}, "purpose": "email_marketing", "status": "denied",
                 "capturedAt": "2026-10-01T10:00:00Z"}""");
        assertThat(older.json().path("subjectId").asText()).isEqualTo(first);
        Response withdrawal = api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "BO@EXAMPLE.COM"}, "purpose": "email_marketing", "status": "withdrawn",
                 "capturedAt": "2026-11-20T10:00:00Z"}""");
        assertThat(withdrawal.json().path("subjectId").asText()).isEqualTo(first);

        JsonNode current = api.get("/api/v1/subjects/" + first + "/consents", ADMIN_KEY).json();
        assertThat(current.path("purposes").path("email_marketing").path("status").asText()).isEqualTo("withdrawn");
        JsonNode events = api.get("/api/v1/subjects/" + first + "/consents/history", ADMIN_KEY).json().path("events");
        assertThat(events).hasSize(3);
        assertThat(events.get(0).path("status").asText()).isEqualTo("denied"); // oldest capture first
        assertThat(events.get(0).path("source").asText()).isEqualTo("api:admin"); // default source names the key

        Response lookup = api.post("/api/v1/subjects/lookup", MARKETER_KEY, "{\"email\":\" Bo@Example.com \"}");
        assertThat(lookup.json().path("subjectId").asText()).isEqualTo(first);
        assertThat(api.post("/api/v1/subjects/lookup", MARKETER_KEY, "{\"externalId\":\"crm-bo\"}").json()
                .path("subjectId").asText()).isEqualTo(first);
        assertThat(api.post("/api/v1/subjects/lookup", MARKETER_KEY, "{\"externalId\":\"CRM-BO\"}").status())
                .isEqualTo(404);
    }

    @Test
    void global_privacy_control_also_records_a_third_party_sharing_withdrawal() {
        Response r = api.send("POST", "/api/v1/consents", INTAKE_KEY, "application/json",
                event("gpc@example.com", "crm-gpc", "granted", "2026-11-28T10:00:00Z"), "Sec-GPC", "1");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().path("gpcEventId").asText()).isNotBlank();
        JsonNode purposes = api.get("/api/v1/subjects/" + r.json().path("subjectId").asText() + "/consents", ADMIN_KEY)
                .json().path("purposes");
        assertThat(purposes.path("email_marketing").path("status").asText()).isEqualTo("granted");
        assertThat(purposes.path("third_party_sharing").path("status").asText()).isEqualTo("withdrawn");

        Response without = api.post("/api/v1/consents", INTAKE_KEY,
                event("nogpc@example.com", "crm-nogpc", "granted", "2026-11-28T10:00:00Z"));
        assertThat(api.get("/api/v1/subjects/" + without.json().path("subjectId").asText() + "/consents", ADMIN_KEY)
                .json().path("purposes").has("third_party_sharing")).isFalse();
    }

    @Test
    void a_batch_records_the_valid_events_and_reports_each_invalid_one_in_order() {
        long before = database.count("consent_event");
        Response r = api.post("/api/v1/consents/batch", INTAKE_KEY, """
                {"events": [
                  {"subject": {"email": "c1@example.com"}, "purpose": "analytics", "status": "granted"},
                  {"subject": {"email": "not-an-email"}, "purpose": "analytics", "status": "granted"},
                  {"subject": {"email": "c3@example.com"}, "purpose": "analytics", "status": "maybe"},
                  {"subject": {"phone": "+4915123456789"}, "purpose": "sms_marketing", "status": "withdrawn"}
                ]}""");
        assertThat(r.status()).isEqualTo(200);
        JsonNode results = r.json().path("results");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).path("eventId").asText()).isNotBlank();
        assertThat(results.get(1).path("error").path("errors").get(0).path("field").asText())
                .isEqualTo("events[1].subject.email");
        assertThat(results.get(2).path("error").path("errors").get(0).path("field").asText()).isEqualTo("events[2].status");
        assertThat(results.get(3).path("subjectId").asText()).isNotBlank();
        assertThat(database.count("consent_event")).isEqualTo(before + 2);
    }

    @Test
    void a_refused_request_stores_nothing() throws Exception {
        long events = database.count("consent_event");
        long subjects = database.count("subject");
        String future = Instant.now().plus(1, ChronoUnit.DAYS).toString();
        String[][] refusals = {
            {"{\"subject\":{\"email\":\"x@example.com\"},\"purpose\":\"telepathy\",\"status\":\"granted\"}", "purpose"},
            {"{\"subject\":{\"email\":\"no-at-sign\"},\"purpose\":\"analytics\",\"status\":\"granted\"}", "subject.email"},
            {"{\"subject\":{\"email\":\"x@example.com\"},\"purpose\":\"analytics\",\"status\":\"perhaps\"}", "status"},
            {"{\"subject\":{\"email\":\"x@example.com\"},\"purpose\":\"analytics\",\"status\":\"granted\",\"capturedAt\":\""
                + future + "\"}", "capturedAt"},
            {"{\"subject\":{\"email\":\"x@example.com\"},\"purpose\":\"analytics\",\"status\":\"granted\",\"admin\":true}",
                "admin"},
            {"{\"subject\":{\"email\":\"x@example.com\",\"ssn\":\"1\"},\"purpose\":\"analytics\",\"status\":\"granted\"}",
                "subject.ssn"},
            {"{\"subject\":{},\"purpose\":\"analytics\",\"status\":\"granted\"}", "subject"},
            {"{\"subject\":{\"email\":\"x@example.com\"},\"purpose\":\"analytics\",\"status\":\"granted\","
                + "\"evidence\":{\"ip\":\"evil.example.com\"}}", "evidence.ip"},
            {"{\"subject\":{\"email\":\"x@example.com\"},\"purpose\":\"analytics\",\"status\":1}", "status"},
            {"{\"subject\":{\"email\":\"x@example.com\"},\"purpose\":\"analytics\",\"status\":\"granted\",\"status\":\"denied\"}",
                "body"},
            {"{\"subject\":", "body"},
            {"[]", "body"},
        };
        for (String[] refusal : refusals) {
            Response r = api.post("/api/v1/consents", ADMIN_KEY, refusal[0]);
            assertThat(r.status()).as(refusal[0]).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().path("errors").findValuesAsText("field")).as(refusal[0]).contains(refusal[1]);
        }
        assertThat(api.post("/api/v1/consents/batch", ADMIN_KEY, "{\"events\":[" + "{},".repeat(1000) + "{}]}").status())
                .isEqualTo(400);
        assertThat(api.send("POST", "/api/v1/consents", ADMIN_KEY, "text/plain", "hello").status()).isEqualTo(415);
        // raw: the hub answers 413 from the headers and closes, which a client still writing may see as a broken pipe
        try (io.lethe.support.RawHttp raw = new io.lethe.support.RawHttp("127.0.0.1", port, 10_000)) {
            raw.send("POST /api/v1/consents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: 70012\r\n\r\n{\"pad\":\"xxxx");
            assertThat(raw.readUntilClosed().status()).isEqualTo(413);
        }
        assertThat(api.post("/api/v1/consents", "wrong", event("y@example.com", "y", "granted", "2026-11-01T00:00:00Z"))
                .status()).isEqualTo(401);
        assertThat(api.post("/api/v1/consents", COMPLIANCE_KEY, event("y@example.com", "y", "granted",
                "2026-11-01T00:00:00Z")).status()).isEqualTo(403);

        assertThat(database.count("consent_event")).isEqualTo(events);
        assertThat(database.count("subject")).isEqualTo(subjects);
    }

    @Test
    void identities_of_two_different_subjects_in_one_event_are_a_conflict() {
        api.post("/api/v1/consents", ADMIN_KEY, event("d1@example.com", "crm-d1", "granted", "2026-11-01T00:00:00Z"));
        api.post("/api/v1/consents", ADMIN_KEY, event("d2@example.com", "crm-d2", "granted", "2026-11-01T00:00:00Z"));
        long events = database.count("consent_event");
        Response r = api.post("/api/v1/consents", ADMIN_KEY, event("d1@example.com", "crm-d2", "withdrawn",
                "2026-11-02T00:00:00Z"));
        assertThat(r.status()).isEqualTo(409);
        assertThat(database.count("consent_event")).isEqualTo(events);
    }

    @Test
    void unknown_subjects_are_404() {
        assertThat(api.get("/api/v1/subjects/00000000-0000-4000-8000-000000000000/consents", ADMIN_KEY).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/subjects/not-a-uuid/consents/history", ADMIN_KEY).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"ghost@example.com\"}").status())
                .isEqualTo(404);
    }

    @Test
    void lookup_takes_exactly_one_valid_identity() {
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"a@example.com\",\"externalId\":\"x\"}")
                .status()).isEqualTo(400);
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"nope\"}").json()
                .path("errors").get(0).path("field").asText()).isEqualTo("email");
    }

    @Test
    void an_internationalised_address_is_recorded_and_found_by_its_unicode_and_its_ascii_domain() {
        Response created = api.post("/api/v1/consents", INTAKE_KEY, event("Jürgen.Müller-Lüdenscheid@Bücher-Beispiel.de",
                "crm-idn-1", "granted", "2026-11-28T10:00:00Z"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String subjectId = created.json().path("subjectId").asText();
        for (String spelling : new String[] {"jürgen.müller-lüdenscheid@xn--bcher-beispiel-gsb.de",
            "ju\u0308rgen.mu\u0308ller-lu\u0308denscheid@bücher-beispiel.de", "JÜRGEN.MÜLLER-LÜDENSCHEID@BÜCHER-BEISPIEL.DE"}) {
            Response lookup = api.post("/api/v1/subjects/lookup", MARKETER_KEY, "{\"email\":\"" + spelling + "\"}");
            assertThat(lookup.status()).as(spelling).isEqualTo(200);
            assertThat(lookup.json().path("subjectId").asText()).as(spelling).isEqualTo(subjectId);
        }
        Response refused = api.post("/api/v1/subjects/lookup", MARKETER_KEY, "{\"email\":\"anna.schneider@straße-beispiel.de\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("errors").get(0).path("field").asText()).isEqualTo("email");
    }
}
