package io.lethe.connectors.marketing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.demo.sandbox.BrazeBehaviour;
import io.lethe.demo.sandbox.IntercomBehaviour;
import io.lethe.demo.sandbox.KlaviyoBehaviour;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.demo.sandbox.SendGridBehaviour;
import io.lethe.support.Addresses;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.spec.SpecRouter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Braze, Klaviyo, SendGrid and Intercom end to end through the hub's public API, each against its strict sandbox
 * (every request Klaviyo, SendGrid and Intercom receive checked against their official specs): opt-out, erasure with
 * its verification (queued deletions read back once they have run), access export, rectification, reconciliation,
 * full batches at each vendor's maximum with realistic addresses, and a 429 honoured with the vendor's own headers.
 * Subclasses pick the register (H2, PostgreSQL).
 */
abstract class MarketingConnectorsTest extends HubTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MARKETING_TYPE = "37846";

    BrazeBehaviour braze;
    KlaviyoBehaviour klaviyo;
    SendGridBehaviour sendgrid;
    IntercomBehaviour intercom;
    SandboxServer brazeServer;
    SandboxServer klaviyoServer;
    SandboxServer sendgridServer;
    SandboxServer intercomServer;
    SpecRouter klaviyoSpec;
    SpecRouter sendgridSpec;
    SpecRouter intercomSpec;

    @Override
    protected Properties extraProperties() {
        // Queued deletions and jobs run only when a test says so, so "submitted" can be seen before "verified".
        braze = new BrazeBehaviour("braze-key", Clock.systemUTC(), null);
        klaviyo = new KlaviyoBehaviour("pk_test", Clock.systemUTC(), null);
        sendgrid = new SendGridBehaviour("SG.test", Clock.systemUTC(), null);
        intercom = new IntercomBehaviour("ic_test", MARKETING_TYPE, Clock.systemUTC());
        brazeServer = SandboxServer.start(braze);
        klaviyoServer = SandboxServer.start(klaviyo);
        sendgridServer = SandboxServer.start(sendgrid);
        intercomServer = SandboxServer.start(intercom);
        klaviyoSpec = SpecRouter.klaviyo().attachTo(klaviyoServer);
        sendgridSpec = SpecRouter.sendgrid().attachTo(sendgridServer);
        intercomSpec = SpecRouter.intercom().attachTo(intercomServer);

        Properties p = new Properties();
        p.put("lethe.connectors", "braze,klaviyo,sendgrid,intercom");
        // Queued deletions read back within the test's time (the files' defaults are minutes), jobs checked often.
        for (String vendor : List.of("braze", "klaviyo")) {
            p.put("lethe." + vendor + ".verify-after", "PT1S");
            p.put("lethe." + vendor + ".verify-every", "PT1S");
        }
        p.put("lethe.jobs.check-ms", "200");
        p.put("lethe.jobs.first-poll-after", "1s");
        p.put("lethe.jobs.max-poll-interval", "1s");
        for (SandboxServer s : List.of(brazeServer, klaviyoServer, sendgridServer, intercomServer)) {
            p.putAll(s.behaviour().hubSettings(s.baseUrl()));
        }
        return p;
    }

    @AfterAll
    void stopSandboxes() {
        for (SandboxServer s : List.of(brazeServer, klaviyoServer, sendgridServer, intercomServer)) {
            s.close();
        }
    }

    @BeforeEach
    void quiet() {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            for (JsonNode c : api.get("/api/v1/connectors", COMPLIANCE_KEY).json()) {
                if (c.path("pending").asLong() > 0) {
                    return false;
                }
            }
            return true;
        });
        for (SandboxServer s : List.of(brazeServer, klaviyoServer, sendgridServer, intercomServer)) {
            s.clearJournal();
            s.clearFaults();
        }
    }

    @AfterEach
    void everyRequestPassedTheOfficialSpecs() {
        klaviyoSpec.assertNoViolations();
        sendgridSpec.assertNoViolations();
        intercomSpec.assertNoViolations();
    }

    void seedEverywhere(String email) {
        braze.seed(email, null);
        klaviyo.seed(email, null);
        sendgrid.seed(email, null);
        intercom.seed(email, null);
    }

    String grant(String email) {
        return api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "granted", "source": "web-form",
                 "evidence": {"noticeVersion": "2026-01"}}""".formatted(email)).json().path("subjectId").asText();
    }

    void withdraw(String email) {
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn",
                 "source": "preference-centre"}""".formatted(email)).status()).isEqualTo(201);
    }

    /** One consents/batch call withdrawing every address (up to 1,000 events a call). */
    void withdrawAll(List<String> emails) throws Exception {
        for (int from = 0; from < emails.size(); from += 1000) {
            List<Object> events = new ArrayList<>();
            for (String e : emails.subList(from, Math.min(emails.size(), from + 1000))) {
                events.add(java.util.Map.of("subject", java.util.Map.of("email", e), "purpose", "email_marketing",
                        "status", "withdrawn", "source", "import"));
            }
            Response r = api.post("/api/v1/consents/batch", ADMIN_KEY,
                    JSON.writeValueAsString(java.util.Map.of("events", events)));
            assertThat(r.status()).isEqualTo(200);
        }
    }

    String file(String type, String email, String extra) {
        Response r = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "%s", "regulation": "gdpr", "subject": {"email": "%s"}%s}""".formatted(type, email, extra));
        assertThat(r.status()).isEqualTo(202);
        return r.json().path("requestId").asText();
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

    String vendorStatus(String requestId, String vendor) {
        for (JsonNode v : request(requestId).path("vendors")) {
            if (v.path("vendor").asText().equals(vendor)) {
                return v.path("status").asText();
            }
        }
        return null;
    }

    @Test
    void an_email_marketing_withdrawal_opts_the_address_out_at_every_marketing_tool() {
        String email = Addresses.realistic(97, "optout").get(96); // 254 characters
        seedEverywhere(email);
        grant(email);
        withdraw(email);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(braze.emailSubscribe(email)).isEqualTo("unsubscribed");
            assertThat(klaviyo.consent(email)).isEqualTo("UNSUBSCRIBED");
            assertThat(sendgrid.isSuppressed(email)).isTrue();
            assertThat(intercom.optedOut(email, MARKETING_TYPE)).isTrue();
        });
        JsonNode log = api.get("/api/v1/sync-log?limit=1000", COMPLIANCE_KEY).json().path("entries");
        assertThat(log.findValuesAsText("vendor")).contains("braze", "klaviyo", "sendgrid", "intercom");
        assertThat(log.toString()).doesNotContain(email.substring(0, 20));
    }

    @Test
    void an_erasure_reaches_each_vendor_and_queued_deletions_are_verified_by_a_later_read_back() {
        String email = Addresses.realistic(3, "erase").get(2);
        seedEverywhere(email);
        grant(email);
        String id = file("erasure", email, "");

        // Intercom deletes at once and is read back. Braze and Klaviyo only queue the deletion and offer no status:
        // submitted, read back later. SendGrid: erase job, then the contacts deletion job.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(vendorStatus(id, "intercom")).isEqualTo("verified");
            assertThat(vendorStatus(id, "braze")).isEqualTo("submitted");
            assertThat(vendorStatus(id, "klaviyo")).isEqualTo("submitted");
            assertThat(vendorStatus(id, "sendgrid")).isEqualTo("submitted");
        });
        assertThat(intercom.contacts(email)).isEmpty();
        assertThat(sendgrid.hasActivity(email)).isFalse();
        // Still queued at the vendors: the later read-backs find the person and the erasure stays open.
        // Only this address's calls count: an earlier test's later read-backs may still be running.
        await().atMost(Duration.ofSeconds(20)).until(() -> brazeServer.requests("POST", "/users/export/ids").stream()
                        .filter(r -> r.bodyText().contains(email)).count() >= 2
                && klaviyoServer.requests("GET", "/api/profiles").stream()
                        .filter(r -> java.net.URLDecoder.decode(String.valueOf(r.rawQuery()),
                                java.nio.charset.StandardCharsets.UTF_8).contains(email)).count() >= 2);
        assertThat(braze.users(email)).hasSize(1);
        assertThat(klaviyo.profile(email)).isNotNull();
        assertThat(vendorStatus(id, "braze")).isEqualTo("submitted");
        assertThat(request(id).path("status").asText()).isEqualTo("in_progress");
        // Once the vendors' queues have run, the next read-back finds nobody: verified.
        braze.completeJobs();
        klaviyo.completeJobs();
        sendgrid.completeJobs();
        assertThat(braze.users(email)).isEmpty();
        assertThat(klaviyo.profile(email)).isNull();
        assertThat(sendgrid.hasContact(email)).isFalse();
        // SendGrid: its contacts job done, the contacts search read back (the erase job has no status endpoint).
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(vendorStatus(id, "braze")).isEqualTo("verified");
            assertThat(vendorStatus(id, "klaviyo")).isEqualTo("verified");
            assertThat(vendorStatus(id, "sendgrid")).isEqualTo("verified");
            assertThat(request(id).path("status").asText()).isEqualTo("completed");
        });
        assertThat(sendgridServer.requests("POST", "/v3/marketing/contacts/search/identifiers/email"))
                .hasSizeGreaterThanOrEqualTo(2);                  // the look-up before, the read-back after
        // A Braze read-back asks by the address, in the body (never in the URI).
        assertThat(brazeServer.requests("POST", "/users/export/ids")).anyMatch(r -> r.bodyText().contains(email));
        assertThat(brazeServer.requests("POST", "/users/export/ids")).noneMatch(r -> r.rawQuery() != null
                && java.net.URLDecoder.decode(r.rawQuery(), java.nio.charset.StandardCharsets.UTF_8).contains(email));
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
    }

    @Test
    void a_sendgrid_erasure_of_an_address_without_a_contact_is_read_back_at_once() {
        String email = Addresses.realistic(13, "no-contact").get(12);
        braze.seed(email, null);
        grant(email);
        String id = file("erasure", email, "");
        // SendGrid holds no contact for it: the erase job, then the contacts search finds nothing (404).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(vendorStatus(id, "sendgrid")).isEqualTo("verified"));
        assertThat(sendgridServer.requests("POST", "/v3/recipients/erasejob")).hasSize(1);
        assertThat(sendgridServer.requests("DELETE", "/v3/marketing/contacts")).isEmpty();
        braze.completeJobs();
        klaviyo.completeJobs();
    }

    @Test
    void an_access_request_exports_what_each_vendor_holds() {
        String email = Addresses.realistic(5, "access").get(4);
        seedEverywhere(email);
        grant(email);
        String id = file("access", email, "");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        JsonNode export = api.get("/api/v1/requests/" + id + "/export", ADMIN_KEY).json().path("vendors");
        assertThat(export.path("braze").toString()).contains(email);
        assertThat(export.path("klaviyo").toString()).contains(email);
        assertThat(export.path("sendgrid").toString()).contains(email.toLowerCase());
        assertThat(export.path("intercom").toString()).contains(email);
    }

    @Test
    void a_rectification_reaches_each_vendor_that_can_take_it() {
        String email = Addresses.realistic(7, "rectify").get(6);
        seedEverywhere(email);
        grant(email);
        intercom.contacts(email).get(0).name = "Anna Maria Kowalska";
        String id = file("rectification", email, ", \"changes\": {\"lastName\": \"Łukasiewicz\", \"phone\": \"+4915112345678\"}");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(braze.users(email).get(0).lastName).isEqualTo("Łukasiewicz");
        assertThat(klaviyo.profile(email).lastName).isEqualTo("Łukasiewicz");
        assertThat(sendgrid.contactByEmail(email).lastName).isEqualTo("Łukasiewicz");
        assertThat(intercom.contacts(email).get(0).phone).isEqualTo("+4915112345678");
        // Intercom keeps one name: the new last name, the first names kept from the contact's current name
        assertThat(intercom.contacts(email).get(0).name).isEqualTo("Anna Maria Łukasiewicz");
        assertThat(brazeServer.requests("POST", "/users/track").get(0).bodyText()).contains("Łukasiewicz");
        assertThat(klaviyoServer.requests().stream().anyMatch(r -> r.method().equals("PATCH")
                && r.bodyText().contains("Łukasiewicz"))).isTrue();
        assertThat(sendgridServer.requests("PUT", "/v3/marketing/contacts").get(0).bodyText()).contains("Łukasiewicz");
        assertThat(intercomServer.requests().stream().anyMatch(r -> r.method().equals("PUT")
                && r.bodyText().contains("+4915112345678"))).isTrue();
    }

    @Test
    void reconciliation_reads_the_vendors_that_list_subscription_state_intercom_in_cursor_pages() throws Exception {
        List<String> emails = Addresses.realistic(150, "recon");
        for (String e : emails) {
            klaviyo.seed(e, null);
            grant(e);
        }
        // 30 people unsubscribed inside the vendors themselves: the hub learns them as withdrawals.
        List<Object> profiles = new ArrayList<>();
        for (String e : emails.subList(0, 30)) {
            profiles.add(java.util.Map.of("type", "profile", "attributes", java.util.Map.of("email", e, "subscriptions",
                    java.util.Map.of("email", java.util.Map.of("marketing", java.util.Map.of("consent", "UNSUBSCRIBED"))))));
        }
        new io.lethe.support.SandboxCalls(klaviyoServer).send("POST", "/api/profile-subscription-bulk-delete-jobs",
                JSON.writeValueAsString(java.util.Map.of("data", java.util.Map.of("type",
                        "profile-subscription-bulk-delete-job", "attributes", java.util.Map.of("profiles",
                                java.util.Map.of("data", profiles))))),
                "Authorization", "Klaviyo-API-Key pk_test", "revision", "2026-07-15",
                "Content-Type", "application/vnd.api+json");
        new io.lethe.support.SandboxCalls(sendgridServer).send("POST", "/v3/asm/suppressions/global",
                JSON.writeValueAsString(java.util.Map.of("recipient_emails", emails.subList(30, 60))),
                "Authorization", "Bearer SG.test", "Content-Type", "application/json");

        for (String connector : List.of("klaviyo", "sendgrid")) {
            String runId = api.post("/api/v1/connectors/" + connector + "/reconcile?dryRun=false", ADMIN_KEY, "{}")
                    .json().path("runId").asText();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.get("/api/v1/reconcile-runs/"
                    + runId, COMPLIANCE_KEY).json().path("status").asText()).isEqualTo("completed"));
            JsonNode run = api.get("/api/v1/reconcile-runs/" + runId, COMPLIANCE_KEY).json();
            assertThat(run.path("drift").path("vendor_optout").asInt()).isEqualTo(30);
        }
        // Klaviyo listed all 150 in two pages of at most 100.
        assertThat(klaviyoServer.requests("GET", "/api/profiles")).hasSizeGreaterThanOrEqualTo(2);
        // Intercom lists the contacts unsubscribed from all e-mail, 150 a page: 90 granted people unsubscribed inside
        // Intercom are learnt as withdrawals, 100 addresses nobody registered are unknown contacts.
        for (String e : emails) {
            intercom.seed(e, null);
        }
        emails.subList(60, 150).forEach(intercom::unsubscribeFromEmails);
        for (String e : Addresses.realistic(100, "intercom-only")) {
            intercom.seed(e, null);
            intercom.unsubscribeFromEmails(e);
        }
        String intercomRun = api.post("/api/v1/connectors/intercom/reconcile?dryRun=false", ADMIN_KEY, "{}")
                .json().path("runId").asText();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(api.get("/api/v1/reconcile-runs/"
                + intercomRun, COMPLIANCE_KEY).json().path("status").asText()).isEqualTo("completed"));
        JsonNode run = api.get("/api/v1/reconcile-runs/" + intercomRun, COMPLIANCE_KEY).json();
        assertThat(run.path("drift").path("vendor_optout").asInt()).isEqualTo(90);
        assertThat(run.path("drift").path("unknown_contact").asInt()).isEqualTo(100);
        // 190 contacts in 2 pages (the other searches are the opt-outs the Klaviyo and SendGrid runs dispatched)
        assertThat(stateSearches()).hasSize(2);
        assertThat(stateSearches().get(1).bodyText()).contains("starting_after");
        // An incremental read (as the scheduled runs make) asks only for the contacts changed since.
        var engine = context.getRegistry().lookupByNameAndType("connectorEngine",
                io.lethe.connectors.engine.ConnectorEngine.class);
        var connector = context.getRegistry().lookupByNameAndType("connectors", io.lethe.connectors.Connectors.class)
                .enabled("intercom").orElseThrow();
        List<io.lethe.connectors.VendorContact> changed = new ArrayList<>();
        engine.readState(connector, java.time.Instant.now().plusSeconds(3600), changed::addAll);
        assertThat(changed).isEmpty();
        assertThat(stateSearches()).hasSize(3);
        assertThat(stateSearches().get(2).bodyText()).contains("updated_at");

        // Braze cannot list subscription state (no readState): a run is refused up front, nothing is read.
        Response refused = api.post("/api/v1/connectors/braze/reconcile?dryRun=true", ADMIN_KEY, "{}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("no API to read its contacts");
    }

    List<io.lethe.demo.sandbox.SandboxRequest> stateSearches() {
        return intercomServer.requests("POST", "/contacts/search").stream()
                .filter(r -> r.bodyText().contains("unsubscribed_from_emails")).toList();
    }

    @Test
    void a_full_batch_goes_in_calls_of_each_vendors_maximum() throws Exception {
        List<String> emails = Addresses.realistic(1000, "batch");
        for (String e : emails) {
            klaviyo.seed(e, null);
            braze.seed(e, null);
        }
        withdrawAll(emails);

        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            assertThat(emails).allMatch(sendgrid::isSuppressed);
            assertThat(emails).allMatch(e -> "UNSUBSCRIBED".equals(klaviyo.consent(e)));
            assertThat(emails).allMatch(e -> "unsubscribed".equals(braze.emailSubscribe(e)));
        });
        // Calls at each vendor's maximum: SendGrid 1,000 addresses, Klaviyo 100 profiles, Braze 50 addresses.
        assertBatches(sendgridServer.requests("POST", "/v3/asm/suppressions/global"), "/recipient_emails", 1000, 1000);
        assertBatches(klaviyoServer.requests("POST", "/api/profile-subscription-bulk-delete-jobs"),
                "/data/attributes/profiles/data", 100, 1000);
        assertBatches(brazeServer.requests("POST", "/email/status"), "/email", 50, 1000);
    }

    /** Every call within the maximum, at least one at it, and no address sent twice. */
    static void assertBatches(List<io.lethe.demo.sandbox.SandboxRequest> calls, String pointer, int max, int total)
            throws Exception {
        int sum = 0;
        int largest = 0;
        for (io.lethe.demo.sandbox.SandboxRequest r : calls) {
            int n = JSON.readTree(r.body()).at(pointer).size();
            assertThat(n).isLessThanOrEqualTo(max);
            largest = Math.max(largest, n);
            sum += n;
        }
        assertThat(largest).isEqualTo(max);
        assertThat(sum).isEqualTo(total);
    }

    @Test
    void sendgrid_erase_jobs_are_cut_to_256_kb() {
        // Straight through the engine (the hub's own call routes): 5,000 erasures filed as requests would also cost
        // 5,000 Klaviyo deletion jobs at 1 a second.
        List<String> emails = Addresses.realistic(5000, "sendgrid-erase");
        emails.forEach(e -> sendgrid.seed(e, null));
        List<io.lethe.connectors.Target> targets = new ArrayList<>();
        for (int i = 0; i < emails.size(); i++) {
            targets.add(new io.lethe.connectors.Target(50_000 + i, "subject-" + i, "erase", null, List.of(emails.get(i)),
                    List.of(), java.util.Map.of(), "req-" + i, "GDPR"));
        }
        var engine = context.getRegistry().lookupByNameAndType("connectorEngine",
                io.lethe.connectors.engine.ConnectorEngine.class);
        var connector = context.getRegistry().lookupByNameAndType("connectors", io.lethe.connectors.Connectors.class)
                .enabled("sendgrid").orElseThrow();
        var outcomes = engine.run(connector, "erase", targets);
        assertThat(outcomes).hasSize(5000).allMatch(o -> o.outcome().equals("submitted"));
        assertThat(emails).noneMatch(sendgrid::hasActivity);
        // 5,000 realistic addresses are more than 256 KB: two or more erase jobs, each within the limit; contacts
        // deleted 100 ids a call (or fewer, for the URI).
        assertThat(sendgridServer.requests("POST", "/v3/recipients/erasejob")).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(r -> r.body().length <= SendGridBehaviour.ERASE_MAX_BYTES);
        assertThat(sendgridServer.requests("DELETE", "/v3/marketing/contacts"))
                .allMatch(r -> ("https://api.sendgrid.com" + r.path() + "?" + r.rawQuery()).length() < 2000);
    }

    @Test
    void a_429_is_honoured_with_each_vendors_own_header() {
        java.util.Map<String, List<Long>> times = new java.util.concurrent.ConcurrentHashMap<>();
        for (SandboxServer s : List.of(brazeServer, klaviyoServer, sendgridServer, intercomServer)) {
            s.onRequest(r -> times.computeIfAbsent(s.behaviour().vendor() + " " + r.path(),
                    k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(System.currentTimeMillis()));
        }
        long reset = System.currentTimeMillis() / 1000 + 3;
        brazeServer.inject(r -> r.path().equals("/email/status"), 1, SandboxResponse.json(429,
                "{\"message\":\"API rate limit reached\"}").withHeader("x-ratelimit-reset", String.valueOf(reset)));
        klaviyoServer.inject(r -> r.path().equals("/api/profile-subscription-bulk-delete-jobs"), 1,
                SandboxResponse.json(429, "{\"errors\":[{\"status\":429,\"code\":\"throttled\"}]}").withHeader("Retry-After", "2"));
        sendgridServer.inject(r -> r.path().equals("/v3/asm/suppressions/global"), 1, SandboxResponse.json(429,
                "{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}")
                .withHeader("X-RateLimit-Reset", String.valueOf(reset)));
        intercomServer.inject(r -> r.path().equals("/contacts/search"), 1, SandboxResponse.json(429,
                "{\"type\":\"error.list\",\"errors\":[{\"code\":\"rate_limit_exceeded\"}]}")
                .withHeader("X-RateLimit-Reset", String.valueOf(reset)));
        String email = Addresses.realistic(11, "limited").get(10);
        seedEverywhere(email);
        grant(email);
        withdraw(email);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(braze.emailSubscribe(email)).isEqualTo("unsubscribed");
            assertThat(klaviyo.consent(email)).isEqualTo("UNSUBSCRIBED");
            assertThat(sendgrid.isSuppressed(email)).isTrue();
            assertThat(intercom.optedOut(email, MARKETING_TYPE)).isTrue();
        });
        // Each retry came no earlier than the vendor said: the reset epoch second (Braze, SendGrid, Intercom) or
        // Retry-After (Klaviyo), not the default backoff.
        for (String call : List.of("braze /email/status", "sendgrid /v3/asm/suppressions/global",
                "intercom /contacts/search")) {
            List<Long> t = times.get(call);
            assertThat(t).as(call).hasSizeGreaterThanOrEqualTo(2);
            assertThat(t.get(1)).as(call).isGreaterThanOrEqualTo((reset - 1) * 1000);
        }
        List<Long> k = times.get("klaviyo /api/profile-subscription-bulk-delete-jobs");
        assertThat(k.get(1) - k.get(0)).isGreaterThanOrEqualTo(2000);
    }
}
