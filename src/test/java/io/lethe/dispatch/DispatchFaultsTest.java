package io.lethe.dispatch;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.FormattedLogCapture;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.lethe.support.VendorFakes.HUBSPOT_OPT_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Vendors misbehave as real ones do; dispatch retries, waits, parks or escalates, and never drops a command. */
class DispatchFaultsTest extends HubTestSupport {

    static final String DPO = "dpo@example.org";
    VendorFakes fakes;
    GreenMail mail;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        fakes.hubspot.onRequest(r -> {
            if (HUBSPOT_OPT_OUTS.test(r)) {
                hubspotOptOutArrivals.add(System.currentTimeMillis());
            }
        });
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        Properties p = fakes.hubProperties();
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.dpo.email", DPO);
        p.put("camel.component.http.response-timeout", "1000");
        return p;
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
        mail.stop();
    }

    @BeforeEach
    void healthyVendorsAndNoParking() throws Exception {
        fakes.reset();
        hubspotOptOutArrivals.clear();
        mail.purgeEmailFromAllMailboxes();
        try (var c = database.connect(); var s = c.createStatement()) {
            s.executeUpdate("update connector_state set parked_until = null");
        }
    }

    String withdraw(String email) {
        Response r = api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn"}""".formatted(email));
        assertThat(r.status()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    JsonNode vendorState(String subjectId, String vendor) {
        for (JsonNode v : api.get("/api/v1/subjects/" + subjectId + "/vendors", ADMIN_KEY).json().path("vendors")) {
            if (v.path("vendor").asText().equals(vendor)) {
                return v;
            }
        }
        return null;
    }

    List<String> outcomes(String subjectId, String vendor) {
        return api.get("/api/v1/sync-log?vendor=" + vendor + "&subjectId=" + subjectId, ADMIN_KEY).json().path("entries")
                .findValuesAsText("outcome");
    }

    static final Predicate<SandboxRequest> HUBSPOT_OPT_OUTS =
            r -> r.method().equals("POST") && r.path().equals(HUBSPOT_OPT_OUT);

    /** HubSpot's next opt-out calls answer these statuses, one each; then HubSpot answers normally again. */
    void hubspotAnswers(String... statuses) {
        for (String status : statuses) {
            fakes.hubspot.inject(HUBSPOT_OPT_OUTS, 1, SandboxResponse.json(Integer.parseInt(status),
                    "{\"status\":\"error\",\"message\":\"internal error\",\"category\":\"INTERNAL_ERROR\"}"));
        }
    }

    /** Arrival times of HubSpot's opt-out calls (epoch ms), recorded by the sandbox as each arrives. */
    final List<Long> hubspotOptOutArrivals = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void a_burst_of_5xx_is_retried_until_delivered_and_each_attempt_is_logged() {
        hubspotAnswers("503", "500", "502");
        String subjectId = withdraw("burst@example.com");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(vendorState(subjectId, "hubspot").path("status").asText()).isEqualTo("done"));
        assertThat(fakes.hubspotPosts(HUBSPOT_OPT_OUT)).hasSize(4);
        assertThat(fakes.hubspotVendor.contacts().unsubscribedFromAll("burst@example.com")).isTrue();
        List<String> outcomes = outcomes(subjectId, "hubspot");
        assertThat(outcomes).startsWith("failed", "failed", "failed").endsWith("delivered");
        JsonNode entries = api.get("/api/v1/sync-log?vendor=hubspot&subjectId=" + subjectId, ADMIN_KEY).json()
                .path("entries");
        assertThat(entries.get(0).path("httpStatus").asInt()).isEqualTo(503);
    }

    @Test
    void retry_after_is_honoured_never_earlier() {
        fakes.hubspot.inject(HUBSPOT_OPT_OUTS, 1, SandboxResponse.json(429, "{\"status\":\"error\",\"message\":"
                + "\"You have reached your secondly limit.\",\"errorType\":\"RATE_LIMIT\",\"policyName\":"
                + "\"TEN_SECONDLY_ROLLING\"}").withHeader("Retry-After", "2"));
        String subjectId = withdraw("patient@example.com");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(vendorState(subjectId, "hubspot").path("status").asText()).isEqualTo("done"));
        assertThat(fakes.hubspotPosts(HUBSPOT_OPT_OUT)).hasSize(2);
        assertThat(hubspotOptOutArrivals).hasSize(2);
        long waited = hubspotOptOutArrivals.get(1) - hubspotOptOutArrivals.get(0);
        assertThat(waited).isGreaterThanOrEqualTo(2000);
        assertThat(outcomes(subjectId, "hubspot")).containsExactly("rate_limited", "delivered");
    }

    /** A vendor's "code" crafted to forge a log line, clear the terminal and leak an address. */
    static final String FORGED_CODE = "TEN_SECONDLY_ROLLING\r\n2026-12-01T10:00:00,000 INFO  [main] Dispatcher - ok"
            + " \u001b[2J leaked.subscriber.address@example-subsidiary.com";

    static String jsonString(String value) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void vendor_codes_that_are_not_codes_never_reach_the_log_or_the_sync_log() {
        fakes.hubspotAlways(HUBSPOT_OPT_OUT, SandboxResponse.json(429, "{\"status\":\"error\",\"errorType\":"
                + "\"RATE_LIMIT\",\"policyName\":" + jsonString(FORGED_CODE) + "}").withHeader("Retry-After", "1"));
        String email = "forged.vendor.code.subject@example-subsidiary.com";
        fakes.mailchimp.inject(r -> r.method().equals("POST") && r.path().matches("/3.0/lists/list-[ab]"),
                Integer.MAX_VALUE, SandboxResponse.json(200, "{\"new_members\":[],\"updated_members\":[],\"errors\":"
                        + "[{\"email_address\":\"" + email + "\",\"error\":\"x\",\"error_code\":" + jsonString(FORGED_CODE)
                        + "}],\"total_created\":0,\"total_updated\":0,\"error_count\":1}"));
        try (FormattedLogCapture log = new FormattedLogCapture()) {
            String subjectId = withdraw(email);
            // Both answers recorded (whatever words the hub uses for them), the forged code nowhere.
            await().atMost(Duration.ofSeconds(30)).until(() -> outcomes(subjectId, "hubspot").contains("rate_limited")
                    && outcomes(subjectId, "mailchimp").contains("rejected"));
            String syncLog = api.get("/api/v1/sync-log?subjectId=" + subjectId, ADMIN_KEY).body();
            // Let both commands finish here, so nothing of this test reaches the next one: HubSpot recovers, and
            // the DPO has been e-mailed about Mailchimp (or the hub has logged that it could not).
            fakes.reset();
            await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
                    assertThat(vendorState(subjectId, "hubspot").path("status").asText()).isEqualTo("done"));
            await().atMost(Duration.ofSeconds(20)).until(() -> mail.getReceivedMessages().length >= 1
                    || log.text().contains("Could not e-mail the DPO about connector mailchimp"));
            StringBuilder mails = new StringBuilder();
            for (MimeMessage m : mail.getReceivedMessages()) {
                mails.append(GreenMailUtil.getWholeMessage(m));
            }
            for (String text : new String[] {syncLog, log.text(), mails.toString()}) {
                assertThat(text).doesNotContain("leaked.subscriber.address", "2026-12-01T10:00:00", "[2J",
                        "\u001b", email);
            }
        }
    }

    @Test
    void hubspots_daily_limit_parks_the_connector_instead_of_hammering_it() {
        fakes.hubspotVendor.dailyRemaining(0); // HubSpot itself answers 429 with policyName DAILY from now on
        String subjectId = withdraw("daily@example.com");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(connector("hubspot").path("health").asText()).isEqualTo("parked"));
        int calls = fakes.hubspot.calls();
        withdraw("daily2@example.com");
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(fakes.hubspot.calls()).isEqualTo(calls);
        assertThat(vendorState(subjectId, "hubspot").path("status").asText()).isEqualTo("pending");
        assertThat(connector("hubspot").path("pending").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void salesforce_request_limit_exceeded_parks_the_connector() {
        fakes.salesforceVendor.apiCallsLeft(0); // 403 [{"errorCode":"REQUEST_LIMIT_EXCEEDED"}], as Salesforce says it
        String subjectId = withdraw("sflimit@example.com");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(connector("salesforce").path("health").asText()).isEqualTo("parked"));
        assertThat(vendorState(subjectId, "salesforce").path("status").asText()).isEqualTo("pending");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(outcomes(subjectId, "salesforce")).contains("parked"));
    }

    @Test
    void a_refused_call_waits_for_a_person_and_mails_the_dpo_once() throws Exception {
        fakes.mailchimp.inject(r -> r.method().equals("POST") && r.path().equals("/3.0/lists/list-a"), Integer.MAX_VALUE,
                new SandboxResponse(401, java.util.Map.of("Content-Type", "application/problem+json"),
                        "{\"type\":\"https://mailchimp.com/developer/marketing/docs/errors/\",\"title\":\"API Key Invalid\","
                        + "\"status\":401,\"detail\":\"Your API key may be invalid.\",\"instance\":\"x\"}"));
        String subjectId = withdraw("refused@example.com");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(vendorState(subjectId, "mailchimp").path("status").asText()).isEqualTo("action_required"));
        await().atMost(Duration.ofSeconds(10)).until(() -> mail.getReceivedMessages().length >= 1);
        MimeMessage[] messages = mail.getReceivedMessages();
        assertThat(messages).hasSize(1);
        assertThat(messages[0].getAllRecipients()[0].toString()).isEqualTo(DPO);
        assertThat(messages[0].getSubject()).contains("mailchimp");
        String body = GreenMailUtil.getBody(messages[0]);
        assertThat(body).contains(subjectId).doesNotContain("refused@example.com");
        assertThat(fakes.mailchimpBatches(VendorFakes.LIST_A)).hasSize(1);
    }

    @Test
    void a_vendor_down_for_a_while_gets_the_opt_out_once_it_is_back() {
        fakes.hubspot.injectDisconnect(HUBSPOT_OPT_OUTS, Integer.MAX_VALUE);
        String subjectId = withdraw("outage@example.com");
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes(subjectId, "hubspot").contains("retry_scheduled"));
        fakes.reset();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(vendorState(subjectId, "hubspot").path("status").asText()).isEqualTo("done"));
    }

    @Test
    void a_slow_vendor_times_out_and_is_retried() {
        fakes.hubspot.injectDelay(HUBSPOT_OPT_OUTS, 1, Duration.ofMillis(2500)); // over the hub's 1 s response timeout
        String subjectId = withdraw("slow@example.com");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(vendorState(subjectId, "hubspot").path("status").asText()).isEqualTo("done"));
        assertThat(outcomes(subjectId, "hubspot")).startsWith("failed").endsWith("delivered");
    }

    JsonNode connector(String id) {
        for (JsonNode c : api.get("/api/v1/connectors", ADMIN_KEY).json()) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no connector " + id);
    }
}
