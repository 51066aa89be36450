package io.lethe.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.lethe.support.VendorFakes.HUBSPOT_OPT_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code Idempotency-Key}: a POST repeated with the same key runs once; runs on H2 and on PostgreSQL (subclasses). */
abstract class IdempotencyTest extends HubTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    VendorFakes fakes;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        return fakes.hubProperties();
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    static String withdrawal(String email) {
        return """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn",
                 "source": "preference-centre", "capturedAt": "2026-11-28T10:00:00Z"}""".formatted(email);
    }

    HttpResponse<String> post(String path, String key, String body, String idempotencyKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(r.body(), e);
        }
    }

    @Test
    void the_same_withdrawal_posted_twice_with_one_key_gives_one_event_and_one_push_per_vendor() throws Exception {
        String email = "margarete.hoffmann-idempotent@example-versand.de";
        HttpResponse<String> first = post("/api/v1/consents", INTAKE_KEY, withdrawal(email), "withdraw-7f3a9c2e");
        HttpResponse<String> again = post("/api/v1/consents", INTAKE_KEY, withdrawal(email), "withdraw-7f3a9c2e");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.headers().firstValue("Content-Type")).contains("application/json");
        String subjectId = json(first).path("subjectId").asText();
        assertThat(api.get("/api/v1/subjects/" + subjectId + "/consents/history", ADMIN_KEY).json().path("events"))
                .hasSize(1);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(api.get("/api/v1/sync-log?subjectId="
                + subjectId, COMPLIANCE_KEY).json().path("entries")).hasSize(3));
        Thread.sleep(1500); // several dispatch windows: a second command would have gone out by now
        JsonNode entries = api.get("/api/v1/sync-log?subjectId=" + subjectId, COMPLIANCE_KEY).json().path("entries");
        assertThat(entries.findValuesAsText("vendor")).containsExactlyInAnyOrder("hubspot", "mailchimp", "salesforce");
        long pushedToHubspot = fakes.hubspotPosts(HUBSPOT_OPT_OUT).stream()
                .filter(r -> r.bodyText().contains(email)).count();
        assertThat(pushedToHubspot).isEqualTo(1);
    }

    @Test
    void a_key_reused_for_another_body_is_422_and_records_nothing() {
        HttpResponse<String> first = post("/api/v1/consents", INTAKE_KEY,
                withdrawal("konstantin.papadopoulos@beispiel-shop.de"), "order-2026-11-28-0001");
        assertThat(first.statusCode()).isEqualTo(201);
        long events = database.count("consent_event");

        HttpResponse<String> other = post("/api/v1/consents", INTAKE_KEY,
                withdrawal("another.person.entirely@beispiel-shop.de"), "order-2026-11-28-0001");
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(database.count("consent_event")).isEqualTo(events);
        // The path is part of the request too.
        HttpResponse<String> otherPath = post("/api/v1/consents/batch", INTAKE_KEY, "{\"events\":[" + withdrawal(
                "konstantin.papadopoulos@beispiel-shop.de") + "]}", "order-2026-11-28-0001");
        assertThat(otherPath.statusCode()).isEqualTo(422);
        assertThat(database.count("consent_event")).isEqualTo(events);
    }

    @Test
    void keys_are_scoped_per_api_key_so_two_clients_may_use_the_same_string() {
        String key = "shared-key-string-42";
        HttpResponse<String> byIntake = post("/api/v1/consents", INTAKE_KEY,
                withdrawal("first.client.person@zwei-kunden-beispiel.de"), key);
        HttpResponse<String> byAdmin = post("/api/v1/consents", ADMIN_KEY,
                withdrawal("second.client.person@zwei-kunden-beispiel.de"), key);
        assertThat(byIntake.statusCode()).isEqualTo(201);
        assertThat(byAdmin.statusCode()).isEqualTo(201);
        assertThat(byAdmin.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(json(byAdmin).path("subjectId").asText()).isNotEqualTo(json(byIntake).path("subjectId").asText());
    }

    @Test
    void a_repeat_while_the_first_request_is_still_running_is_409() {
        IdempotencyStore store = context.getRegistry().lookupByNameAndType("idempotencyStore", IdempotencyStore.class);
        assertThat(store.claim("intake", "in-flight-key-1", "fingerprint-of-a-running-request"))
                .isInstanceOf(IdempotencyStore.Acquired.class);
        long events = database.count("consent_event");
        HttpResponse<String> r = post("/api/v1/consents", INTAKE_KEY,
                withdrawal("waiting.for.the.first.one@beispiel-shop.de"), "in-flight-key-1");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(json(r).path("title").asText()).isEqualTo("Request in progress");
        assertThat(database.count("consent_event")).isEqualTo(events);
    }

    @Test
    void refusals_are_replayed_too_and_a_lookup_or_filing_answer_comes_back_the_same() {
        HttpResponse<String> bad = post("/api/v1/consents", INTAKE_KEY, "{\"subject\":{\"email\":\"nope\"}}", "bad-1");
        HttpResponse<String> badAgain = post("/api/v1/consents", INTAKE_KEY, "{\"subject\":{\"email\":\"nope\"}}",
                "bad-1");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(badAgain.statusCode()).isEqualTo(400);
        assertThat(badAgain.body()).isEqualTo(bad.body());
        assertThat(badAgain.headers().firstValue("Idempotent-Replayed")).contains("true");

        String filing = "{\"type\":\"objection\",\"subject\":{\"email\":\"objecting.person@beispiel-shop.de\"},"
                + "\"purposes\":[\"profiling\"]}";
        HttpResponse<String> filed = post("/api/v1/requests", ADMIN_KEY, filing, "file-objection-1");
        long requests = database.count("dsr");
        HttpResponse<String> filedAgain = post("/api/v1/requests", ADMIN_KEY, filing, "file-objection-1");
        assertThat(filed.statusCode()).isEqualTo(202);
        assertThat(filedAgain.statusCode()).isEqualTo(202);
        assertThat(json(filedAgain).path("requestId").asText()).isEqualTo(json(filed).path("requestId").asText());
        assertThat(database.count("dsr")).isEqualTo(requests);
    }

    @Test
    void header_values_outside_1_to_255_visible_ascii_characters_are_400() {
        for (String value : new String[] {"x".repeat(256), " "}) {
            long events = database.count("consent_event");
            HttpResponse<String> r = post("/api/v1/consents", INTAKE_KEY,
                    withdrawal("header.validation.person@beispiel-shop.de"), value);
            assertThat(r.statusCode()).as(value).isEqualTo(400);
            assertThat(json(r).path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");
            assertThat(database.count("consent_event")).isEqualTo(events);
        }
        // Non-ASCII bytes on the wire (Java's HTTP/1.1 client would send '?' for them): UTF-8 "schlüssel-ä".
        long events = database.count("consent_event");
        String body = withdrawal("header.validation.person@beispiel-shop.de");
        String raw = "POST /api/v1/consents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + INTAKE_KEY
                + "\r\nContent-Type: application/json\r\nIdempotency-Key: "
                + new String("schlüssel-ä".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.ISO_8859_1)
                + "\r\nContent-Length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                + "\r\nConnection: close\r\n\r\n" + body;
        try {
            String reply = io.lethe.support.RawHttp.exchange(port, raw);
            assertThat(reply).startsWith("HTTP/1.1 400").contains("Idempotency-Key");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(database.count("consent_event")).isEqualTo(events);
        assertThat(post("/api/v1/consents", INTAKE_KEY, withdrawal("header.validation.person@beispiel-shop.de"),
                "x".repeat(255)).statusCode()).isEqualTo(201);
    }

    @Test
    void stored_responses_are_sealed_and_expired_keys_are_purged() throws Exception {
        String email = "sealed.response.person@beispiel-shop.de";
        assertThat(post("/api/v1/consents", INTAKE_KEY, withdrawal(email), null).statusCode()).isEqualTo(201);
        HttpResponse<String> r = post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"" + email + "\"}",
                "sealed-lookup-1");
        assertThat(r.statusCode()).isEqualTo(200);
        String subjectId = json(r).path("subjectId").asText();
        try (Connection c = database.connect();
                var rs = c.createStatement().executeQuery("select sealed_body from idempotency_key"
                        + " where idem_key = 'sealed-lookup-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)).as("stored before the answer was sent").isNotNull();
            assertThat(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(subjectId);
        }
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "update idempotency_key set expires_at = ? where idem_key = 'sealed-lookup-1'")) {
            ps.setObject(1, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1));
            ps.executeUpdate();
        }
        IdempotencyStore store = context.getRegistry().lookupByNameAndType("idempotencyStore", IdempotencyStore.class);
        assertThat(store.purgeExpired()).isGreaterThanOrEqualTo(1);
        try (Connection c = database.connect();
                var rs = c.createStatement().executeQuery("select count(*) from idempotency_key"
                        + " where idem_key = 'sealed-lookup-1'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
