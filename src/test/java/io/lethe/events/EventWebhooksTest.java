package io.lethe.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.Addresses;
import io.lethe.support.ApiClient;
import io.lethe.support.HubTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * End to end: webhook subscriptions through the API, a receiver that is down (connection refused, then 503) while
 * consents change, then up. Deliveries arrive signed, in order per subject, the same webhook-id on every retry, with
 * no personal data unless the subscription includes identities; GET /api/v1/events?after= lists the same events.
 */
public abstract class EventWebhooksTest extends HubTestSupport {

    final WebhookReceiver receiver = new WebhookReceiver();

    @Override
    protected Properties extraProperties() {
        Properties p = new Properties();
        p.put("lethe.events.webhooks.allow-loopback", "true");
        p.put("lethe.events.sequence-ms", "100");
        p.put("lethe.events.webhooks.poll-ms", "100");
        p.put("lethe.events.webhooks.first-backoff-ms", "200");
        p.put("lethe.events.webhooks.max-backoff-ms", "600");
        p.put("lethe.events.webhooks.max-attempts", "1000");
        return p;
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    JsonNode subscribe(String path, String types, boolean identities) {
        ApiClient.Response r = api.post("/api/v1/webhooks/subscriptions", ADMIN_KEY, """
                {"url": "%s", "types": [%s], "includeIdentities": %s}""".formatted(receiver.url(path), types, identities));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode s = r.json();
        assertThat(s.path("secret").asText()).startsWith("whsec_");
        receiver.secret(path, s.path("secret").asText());
        return s;
    }

    void consent(String email, String status) {
        assertThat(api.post("/api/v1/consents", INTAKE_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "%s"}""".formatted(email, status))
                .status()).isIn(200, 201);
    }

    JsonNode deliveries(String subscriptionId) {
        return api.get("/api/v1/webhooks/subscriptions/" + subscriptionId + "/deliveries", ADMIN_KEY).json()
                .path("deliveries");
    }

    @Test
    void a_receiver_that_was_down_gets_every_event_in_order_and_replay_lists_the_same() throws Exception {
        JsonNode plain = subscribe("/plain", "\"consent.changed\", \"request.status_changed\"", false);
        JsonNode withIds = subscribe("/identities", "\"consent.changed\"", true);
        long start = plain.path("afterEventId").asLong();
        List<String> emails = Addresses.realistic(3, "evhook");
        List<String> statuses = List.of("granted", "withdrawn", "granted");
        for (String status : statuses) { // interleaved: each subject's order is what has to hold
            emails.forEach(e -> consent(e, status));
        }

        // Down: connection refused, retried with backoff; the later events of each subject wait.
        await().atMost(Duration.ofSeconds(15)).until(() -> deliveries(plain.path("id").asText()).findValues("lastStatus")
                .stream().anyMatch(s -> s.asInt(-1) == 0));
        // Up but failing: 503.
        receiver.start(false);
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.messages.stream().anyMatch(m -> m.answered() == 503));
        receiver.healthy(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.accepted("/plain").size() >= 9
                && receiver.accepted("/identities").size() >= 9);

        assertThat(receiver.refusals).as("every message verifies strictly").isEmpty();
        List<WebhookReceiver.Message> plainMessages = receiver.accepted("/plain");
        Map<String, List<WebhookReceiver.Message>> bySubject = new LinkedHashMap<>();
        for (WebhookReceiver.Message m : plainMessages) {
            assertThat(m.webhookId()).isEqualTo(m.body().path("id").asText());
            assertThat(m.body().toString()).doesNotContain("@").doesNotContain("identities");
            assertThat(m.headerNames().stream().map(h -> h.toLowerCase(Locale.ROOT)))
                    .noneMatch(h -> h.startsWith("camel") || h.equals("authorization") || h.equals("cookie"));
            bySubject.computeIfAbsent(m.body().path("subjectId").asText(), k -> new ArrayList<>()).add(m);
        }
        assertThat(bySubject).hasSize(3);
        for (List<WebhookReceiver.Message> ms : bySubject.values()) {
            assertThat(ms).extracting(m -> m.body().path("data").path("status").asText())
                    .containsExactlyElementsOf(statuses);
            assertThat(ms).extracting(m -> m.body().path("id").asLong()).isSorted().doesNotHaveDuplicates();
        }
        // A message refused with 503 came again with the same webhook-id, and was taken then.
        String retried = receiver.messages.stream().filter(m -> m.answered() == 503).findFirst().orElseThrow().webhookId();
        assertThat(plainMessages).extracting(WebhookReceiver.Message::webhookId).contains(retried);

        // Identities only where the subscription asked for them; each such delivery is in the access log.
        for (WebhookReceiver.Message m : receiver.accepted("/identities")) {
            String email = m.body().path("identities").path("email").get(0).asText();
            assertThat(emails.stream().map(e -> e.toLowerCase(Locale.ROOT))).contains(email.toLowerCase(Locale.ROOT));
        }
        assertThat(database.count("personal_data_access")).isGreaterThanOrEqualTo(9);

        // Replay: the same events, in the same order, paged with the cursor.
        List<JsonNode> replayed = new ArrayList<>();
        long after = start;
        boolean more = true;
        while (more) {
            JsonNode page = api.get("/api/v1/events?after=" + after + "&limit=4&types=consent.changed", COMPLIANCE_KEY)
                    .json();
            page.path("events").forEach(replayed::add);
            after = page.path("next").asLong();
            more = page.path("hasMore").asBoolean();
        }
        List<JsonNode> delivered = plainMessages.stream().map(WebhookReceiver.Message::body)
                .filter(b -> b.path("type").asText().equals("consent.changed"))
                .sorted((a, b) -> Long.compare(a.path("id").asLong(), b.path("id").asLong())).toList();
        assertThat(replayed).hasSize(9).containsExactlyElementsOf(delivered);
        assertThat(replayed.toString()).doesNotContain("@");
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(plain.path("id").asText()).findValuesAsText("status")
                .stream().allMatch("delivered"::equals));
        // A request's status changes are events too, about the same subject, with no personal data.
        String requestId = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "access", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(emails.get(0)))
                .json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.accepted("/plain").stream()
                .anyMatch(m -> m.body().path("data").path("requestId").asText().equals(requestId)));
        JsonNode requestEvents = api.get("/api/v1/events?after=" + start + "&types=request.status_changed",
                COMPLIANCE_KEY).json().path("events");
        assertThat(requestEvents.findValuesAsText("requestId")).contains(requestId);
        assertThat(requestEvents.get(0).path("data").path("requestType").asText()).isEqualTo("access");
        assertThat(requestEvents.get(0).path("data").has("from")).isTrue();
        assertThat(requestEvents.toString()).doesNotContain("@");
        assertThat(deliveries(withIds.path("id").asText()).findValuesAsText("lastError").toString())
                .doesNotContain("maintenance").doesNotContain("@");
    }

    @Test
    void a_recorded_breach_is_an_event_without_its_description() {
        long start = subscribe("/breach", "\"breach.recorded\"", false).path("afterEventId").asLong();
        ApiClient.Response recorded = api.post("/api/v1/breaches", ADMIN_KEY, """
                {"awareAt": "%s", "nature": "A misconfigured export link exposed a newsletter list.",
                 "subjectCategories": "newsletter subscribers", "subjectsApprox": 4,
                 "recordCategories": "e-mail addresses", "recordsApprox": 4,
                 "consequences": "Phishing e-mails are possible.", "measures": "The link was revoked.",
                 "contact": "Data Protection Officer, dpo@lethe.example", "connectors": [],
                 "purposes": ["email_marketing"]}""".formatted(java.time.Instant.now().minusSeconds(3600)));
        assertThat(recorded.status()).as(recorded.body()).isEqualTo(201);
        String breachId = recorded.json().path("breachId").asText();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.get("/api/v1/events?after=" + start
                + "&types=breach.recorded", COMPLIANCE_KEY).json().path("events").findValuesAsText("breachId"))
                .containsExactly(breachId));
        String events = api.get("/api/v1/events?after=" + start, COMPLIANCE_KEY).body();
        assertThat(events).contains("email_marketing").doesNotContain("misconfigured").doesNotContain("@");
    }

    @Test
    void bad_cursors_and_targets_are_refused_with_the_field_at_fault() {
        ApiClient.Response notNumber = api.get("/api/v1/events?after=abc", COMPLIANCE_KEY);
        assertThat(notNumber.status()).isEqualTo(400);
        assertThat(notNumber.contentType()).startsWith("application/problem+json");
        assertThat(notNumber.body()).contains("after");
        ApiClient.Response pastTheEnd = api.get("/api/v1/events?after=999999999", COMPLIANCE_KEY);
        assertThat(pastTheEnd.status()).isEqualTo(400);
        assertThat(pastTheEnd.body()).contains("after");
        assertThat(api.get("/api/v1/events?types=consent.nope", COMPLIANCE_KEY).status()).isEqualTo(400);

        ApiClient.Response internal = api.post("/api/v1/webhooks/subscriptions", ADMIN_KEY, """
                {"url": "https://169.254.169.254/latest", "types": ["consent.changed"]}""");
        assertThat(internal.status()).isEqualTo(400);
        assertThat(internal.body()).contains("\"url\"");
        ApiClient.Response noTypes = api.post("/api/v1/webhooks/subscriptions", ADMIN_KEY, """
                {"url": "https://93.184.216.34/h", "types": []}""");
        assertThat(noTypes.body()).contains("types");
        assertThat(api.post("/api/v1/webhooks/subscriptions", COMPLIANCE_KEY, """
                {"url": "https://93.184.216.34/h", "types": ["consent.changed"]}""").status()).isEqualTo(403);
    }

    @Test
    void the_console_creates_shows_the_secret_once_and_deletes_with_csrf() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String origin = "http://localhost:" + port;
        HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(origin + "/console/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString("apiKey=" + URLEncoder.encode(ADMIN_KEY, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(origin + "/console/webhooks"))
                .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).isTrue();
        String form = "url=" + URLEncoder.encode(receiver.url("/console"), StandardCharsets.UTF_8)
                + "&type.consent.changed=on";
        HttpResponse<String> forged = post(http, origin, cookie, form);
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> created = post(http, origin, cookie, form + "&csrf=" + csrf.group(1));
        assertThat(created.statusCode()).as("redirect after POST: a reload never creates a second one").isEqualTo(303);
        assertThat(created.body()).doesNotContain("whsec_");
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/console/webhooks?subscription=").endsWith("&done=created");
        HttpResponse<String> shown = http.send(HttpRequest.newBuilder(URI.create(origin + location))
                .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher secret = Pattern.compile("id=\"secret\">(whsec_[^<]+)<").matcher(shown.body());
        assertThat(secret.find()).isTrue();
        HttpResponse<String> reloaded = http.send(HttpRequest.newBuilder(URI.create(origin + location))
                .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reloaded.body()).as("shown once").doesNotContain(secret.group(1)).doesNotContain("whsec_")
                .contains("is not shown again");
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(origin + "/console/webhooks"))
                .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.body()).contains(receiver.url("/console")).doesNotContain(secret.group(1));
        String id = api.get("/api/v1/webhooks/subscriptions", ADMIN_KEY).json().path("subscriptions").findValues("url")
                .stream().anyMatch(u -> u.asText().equals(receiver.url("/console"))) ? api.get(
                "/api/v1/webhooks/subscriptions", ADMIN_KEY).json().path("subscriptions").findParents("url").stream()
                .filter(s -> s.path("url").asText().equals(receiver.url("/console"))).findFirst().orElseThrow()
                .path("id").asText() : null;
        assertThat(id).isNotNull();
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(origin + "/console/webhooks/" + id
                        + "/delete")).header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin)
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(api.get("/api/v1/webhooks/subscriptions", ADMIN_KEY).body()).doesNotContain(id);
    }

    @Test
    void an_idempotent_replay_of_a_creation_does_not_repeat_the_secret() {
        String body = """
                {"url": "%s", "types": ["breach.recorded"]}""".formatted(receiver.url("/replayed"));
        ApiClient.Response first = api.send("POST", "/api/v1/webhooks/subscriptions", ADMIN_KEY, "application/json",
                body, "Idempotency-Key", "create-replayed-1");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        String secret = first.json().path("secret").asText();
        assertThat(secret).startsWith("whsec_");
        ApiClient.Response replay = api.send("POST", "/api/v1/webhooks/subscriptions", ADMIN_KEY, "application/json",
                body, "Idempotency-Key", "create-replayed-1");
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.body()).doesNotContain(secret).doesNotContain("whsec_");
        assertThat(replay.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(replay.json().path("note").asText()).contains("delete the subscription and create a new one");
        assertThat(api.get("/api/v1/webhooks/subscriptions", ADMIN_KEY).json().path("subscriptions").findValues("url")
                .stream().filter(u -> u.asText().equals(receiver.url("/replayed")))).as("created once").hasSize(1);
        assertThat(api.send("DELETE", "/api/v1/webhooks/subscriptions/" + first.json().path("id").asText(), ADMIN_KEY,
                null, null).status()).isEqualTo(204);
    }

    private static HttpResponse<String> post(HttpClient http, String origin, String cookie, String form)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin + "/console/webhooks/create"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", origin)
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
