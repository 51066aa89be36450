package io.lethe.api;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Event ordering, sealed sources, the current state and paged history through the API (security issue items 7, 8,
 * 16); runs on H2 and on PostgreSQL (see subclasses).
 */
abstract class ConsentHistoryApiTest extends HubTestSupport {

    static String email(String tag) {
        return tag + ".konstantin-wojciechowski@customers.example-retail.eu";
    }

    String record(String email, String purpose, String status, String extra) {
        Response r = api.post("/api/v1/consents", INTAKE_KEY, "{\"subject\":{\"email\":\"" + email + "\"},\"purpose\":\""
                + purpose + "\",\"status\":\"" + status + "\"" + extra + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    @Test
    void a_grant_dated_minutes_ahead_does_not_hide_the_withdrawal_that_follows_it() {
        String email = email("ahead");
        String ahead = Instant.now().plus(4, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        String subject = record(email, "email_marketing", "granted", ",\"capturedAt\":\"" + ahead + "\"");
        record(email, "email_marketing", "withdrawn", ""); // captured now, a moment later

        JsonNode state = api.get("/api/v1/subjects/" + subject + "/consents", MARKETER_KEY).json()
                .path("purposes").path("email_marketing");
        assertThat(state.path("status").asText()).isEqualTo("withdrawn");
        JsonNode events = api.get("/api/v1/subjects/" + subject + "/consents/history", COMPLIANCE_KEY).json()
                .path("events");
        assertThat(events.findValuesAsText("status")).containsExactly("granted", "withdrawn");
    }

    @Test
    void a_capture_before_1990_is_refused_naming_the_field_also_per_batch_item() {
        long events = database.count("consent_event");
        Response single = api.post("/api/v1/consents", INTAKE_KEY, "{\"subject\":{\"email\":\"" + email("old")
                + "\"},\"purpose\":\"analytics\",\"status\":\"granted\",\"capturedAt\":\"1989-12-31T23:59:59Z\"}");
        assertThat(single.status()).isEqualTo(400);
        assertThat(single.contentType()).startsWith("application/problem+json");
        assertThat(single.json().path("errors").findValuesAsText("field")).containsExactly("capturedAt");
        assertThat(api.post("/api/v1/consents", INTAKE_KEY, "{\"subject\":{\"email\":\"" + email("epoch")
                + "\"},\"purpose\":\"analytics\",\"status\":\"granted\",\"capturedAt\":\"1970-01-01T00:00:00Z\"}")
                .status()).isEqualTo(400);

        Response batch = api.post("/api/v1/consents/batch", INTAKE_KEY, "{\"events\":["
                + "{\"subject\":{\"email\":\"" + email("b1") + "\"},\"purpose\":\"analytics\",\"status\":\"granted\","
                + "\"capturedAt\":\"1990-01-01T00:00:00Z\"},"
                + "{\"subject\":{\"email\":\"" + email("b2") + "\"},\"purpose\":\"analytics\",\"status\":\"granted\","
                + "\"capturedAt\":\"0001-01-01T00:00:00Z\"}]}");
        assertThat(batch.status()).isEqualTo(200);
        JsonNode results = batch.json().path("results");
        assertThat(results.get(0).path("eventId").asText()).isNotBlank();
        assertThat(results.get(1).path("error").path("errors").findValuesAsText("field"))
                .containsExactly("events[1].capturedAt");
        assertThat(database.count("consent_event")).isEqualTo(events + 1);
    }

    @Test
    void a_free_text_source_is_returned_opened_and_is_gone_after_erasure() {
        String email = email("erase-source");
        String source = "phone call, caller gave " + email;
        String subject = record(email, "sms_marketing", "granted", ",\"source\":\"" + source + "\"");
        assertThat(api.get("/api/v1/subjects/" + subject + "/consents", ADMIN_KEY).json().path("purposes")
                .path("sms_marketing").path("source").asText()).isEqualTo(source);
        assertThat(api.get("/api/v1/subjects/" + subject + "/consents/history", ADMIN_KEY).json().path("events")
                .get(0).path("source").asText()).isEqualTo(source);

        Response filed = api.post("/api/v1/requests", ADMIN_KEY,
                "{\"type\":\"erasure\",\"regulation\":\"gdpr\",\"subject\":{\"email\":\"" + email + "\"}}");
        assertThat(filed.status()).isEqualTo(202);
        String requestId = filed.json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.get("/api/v1/requests/" + requestId,
                ADMIN_KEY).json().path("status").asText()).isEqualTo("completed"));

        JsonNode current = api.get("/api/v1/subjects/" + subject + "/consents", ADMIN_KEY).json();
        JsonNode history = api.get("/api/v1/subjects/" + subject + "/consents/history", ADMIN_KEY).json();
        assertThat(current.toString()).doesNotContain(email).doesNotContain("phone call");
        assertThat(history.toString()).doesNotContain(email).doesNotContain("phone call");
        assertThat(current.path("purposes").path("sms_marketing").path("source").isNull()).isTrue();
        assertThat(history.path("events").get(0).path("source").isNull()).isTrue();
        assertThat(history.path("events").get(0).path("status").asText()).isEqualTo("granted"); // the decision stays
    }

    @Test
    void thousands_of_events_come_back_a_page_at_a_time_in_order() {
        String email = email("pages");
        String[] purposes = {"email_marketing", "sms_marketing", "analytics", "profiling", "third_party_sharing"};
        String[] statuses = {"granted", "denied", "withdrawn"};
        Instant base = Instant.now().minus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        int total = 3000;
        for (int from = 0; from < total; from += 1000) {
            StringBuilder body = new StringBuilder("{\"events\":[");
            for (int i = from; i < from + 1000; i++) {
                body.append(i > from ? "," : "").append("{\"subject\":{\"email\":\"").append(email)
                        .append("\"},\"purpose\":\"").append(purposes[i % 5]).append("\",\"status\":\"")
                        .append(statuses[(i / 5) % 3]).append("\",\"source\":\"newsletter signup ").append(i)
                        .append("\",\"capturedAt\":\"").append(base.plusSeconds((i * 7919L) % 30_000_000)).append("\"}");
            }
            Response r = api.post("/api/v1/consents/batch", INTAKE_KEY, body.append("]}").toString());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).doesNotContain("\"error\"");
        }
        String subject = api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"" + email + "\"}").json()
                .path("subjectId").asText();
        String path = "/api/v1/subjects/" + subject + "/consents/history";

        JsonNode first = api.get(path, COMPLIANCE_KEY).json();
        assertThat(first.path("subjectId").asText()).isEqualTo(subject);
        assertThat(first.path("events")).hasSize(100); // the default page
        assertThat(first.path("nextAfter").isIntegralNumber()).isTrue();

        List<JsonNode> all = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = api.get(path + "?limit=1000" + (after == null ? "" : "&after=" + after), COMPLIANCE_KEY).json();
            page.path("events").forEach(all::add);
            assertThat(page.has("nextAfter")).isTrue();
            after = page.path("nextAfter").isNull() ? null : page.path("nextAfter").asText();
            pages++;
        } while (after != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(all).hasSize(total);
        assertThat(new HashSet<>(all.stream().map(e -> e.path("eventId").asText()).toList())).hasSize(total);
        for (int i = 1; i < total; i++) {
            assertThat(all.get(i).path("capturedAt").asText()).as("event %d", i)
                    .isGreaterThanOrEqualTo(all.get(i - 1).path("capturedAt").asText());
        }
        assertThat(all.get(0).path("source").asText()).startsWith("newsletter signup ");

        // The current state is the last event of each purpose in that order.
        JsonNode purposesNow = api.get("/api/v1/subjects/" + subject + "/consents", ADMIN_KEY).json().path("purposes");
        for (String purpose : purposes) {
            JsonNode last = all.stream().filter(e -> e.path("purpose").asText().equals(purpose))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(purposesNow.path(purpose).path("status").asText()).isEqualTo(last.path("status").asText());
            assertThat(purposesNow.path(purpose).path("since").asText()).isEqualTo(last.path("capturedAt").asText());
        }
    }

    @Test
    void bad_paging_parameters_are_refused_naming_the_parameter() {
        String subject = record(email("paging-one"), "analytics", "granted", "");
        String other = record(email("paging-two"), "analytics", "granted", "");
        record(email("paging-two"), "profiling", "granted", "");
        long otherCursor = api.get("/api/v1/subjects/" + other + "/consents/history?limit=1", ADMIN_KEY).json()
                .path("nextAfter").asLong();
        String path = "/api/v1/subjects/" + subject + "/consents/history";
        String[][] refusals = {
            {"?limit=0", "limit"}, {"?limit=1001", "limit"}, {"?limit=ten", "limit"}, {"?limit=", "limit"},
            {"?after=abc", "after"}, {"?after=-1", "after"}, {"?after=0", "after"},
            {"?after=" + otherCursor, "after"}, {"?page=2", "page"}, {"?limit=5&limit=6", "limit"},
        };
        for (String[] refusal : refusals) {
            Response r = api.get(path + refusal[0], ADMIN_KEY);
            assertThat(r.status()).as(refusal[0]).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().path("errors").findValuesAsText("field")).as(refusal[0]).contains(refusal[1]);
        }
        JsonNode whole = api.get(path + "?limit=1000", ADMIN_KEY).json();
        assertThat(whole.path("events")).hasSize(1);
        assertThat(whole.path("nextAfter").isNull()).isTrue();
        assertThat(api.get("/api/v1/subjects/00000000-0000-4000-8000-000000000000/consents/history?limit=5", ADMIN_KEY)
                .status()).isEqualTo(404);
    }
}
