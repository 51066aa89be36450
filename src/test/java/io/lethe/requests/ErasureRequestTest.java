package io.lethe.requests;

import java.time.Duration;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.lethe.support.VendorFakes.HUBSPOT_BATCH_READ;
import static io.lethe.support.VendorFakes.HUBSPOT_GDPR_DELETE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Erasure requests end to end: every vendor erases and is read back, then the register crypto-shreds the person. */
abstract class ErasureRequestTest extends HubTestSupport {

    static final String DPO = "dpo@example.org";
    VendorFakes fakes;
    GreenMail mail;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        Properties p = fakes.hubProperties();
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.dpo.email", DPO);
        p.put("lethe.public-url", "http://localhost:" + port);
        return p;
    }

    @AfterAll
    void stop() {
        fakes.close();
        mail.stop();
    }

    @BeforeEach
    void reset() throws Exception {
        fakes.reset();
        mail.purgeEmailFromAllMailboxes();
    }

    String consentFor(String email) {
        return api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "analytics", "status": "granted",
                 "evidence": {"ip": "198.51.100.4", "noticeVersion": "v1"}}""".formatted(email)).json()
                .path("subjectId").asText();
    }

    Response file(String key, String email) {
        return api.post("/api/v1/requests", key, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email));
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

    @Test
    void an_erasure_is_carried_out_verified_everywhere_and_the_person_is_crypto_shredded() throws Exception {
        String subjectId = consentFor("erase.me@example.com");
        fakes.heldByHubSpotAndMailchimp("erase.me@example.com");
        fakes.salesforceErasableContact("erase.me@example.com", "003000000000009AAA");

        Response filed = file(ADMIN_KEY, "erase.me@example.com");
        assertThat(filed.status()).isEqualTo(202);
        assertThat(filed.json().path("status").asText()).isIn("pending", "in_progress");
        assertThat(filed.json().path("dueAt").asText()).isNotBlank();
        String id = filed.json().path("requestId").asText();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        JsonNode r = request(id);
        assertThat(r.path("type").asText()).isEqualTo("erasure");
        assertThat(r.path("regulation").asText()).isEqualTo("gdpr");
        assertThat(r.path("vendors").findValuesAsText("status")).containsOnly("verified");
        assertThat(r.path("vendors").findValuesAsText("vendor")).containsExactlyInAnyOrder("hubspot", "mailchimp",
                "salesforce");

        assertThat(OptOutBodies.hubspotDeletes(fakes)).contains("erase.me@example.com");
        assertThat(fakes.mailchimp.requests().stream().filter(q -> q.method().equals("POST") && q.path().matches(
                "/3.0/lists/list-[ab]/members/[0-9a-f]{32}/actions/delete-permanent"))).hasSize(2);
        // Gone from the vendors themselves, and HubSpot keeps the address on its GDPR blocklist.
        assertThat(fakes.hubspotVendor.contact("erase.me@example.com")).isNull();
        assertThat(fakes.hubspotVendor.contacts().blocklisted("erase.me@example.com")).isTrue();
        assertThat(fakes.mailchimpVendor.statuses(VendorFakes.LIST_A)).doesNotContainKey("erase.me@example.com");
        assertThat(fakes.mailchimpVendor.statuses(VendorFakes.LIST_B)).doesNotContainKey("erase.me@example.com");

        // The register keeps no personal data: no lookup, evidence unreadable, a suppression hash instead.
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"erase.me@example.com\"}").status())
                .isEqualTo(404);
        JsonNode history = api.get("/api/v1/subjects/" + subjectId + "/consents/history", ADMIN_KEY).json();
        assertThat(history.path("events").get(0).path("evidence").path("erased").asBoolean()).isTrue();
        assertThat(history.toString()).doesNotContain("198.51.100.4");
        assertThat(database.count("suppression")).isGreaterThanOrEqualTo(1);
        // ...by which a re-import of the same person is recognised, without keeping the address itself.
        var register = context.getRegistry().lookupByNameAndType("consentRegister",
                io.lethe.register.ConsentRegister.class);
        assertThat(register.isSuppressed(io.lethe.register.IdentityKind.EMAIL, "erase.me@example.com")).isTrue();
        assertThat(register.isSuppressed(io.lethe.register.IdentityKind.EMAIL, "someone.else@example.com")).isFalse();
        assertThat(api.get("/api/v1/sync-log?requestId=" + id, COMPLIANCE_KEY).json().path("entries")
                .findValuesAsText("vendor")).contains("hubspot", "mailchimp", "salesforce");
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
    }

    @Test
    void an_erasure_the_vendor_still_shows_is_not_verified_and_the_person_is_kept() throws Exception {
        consentFor("sticky@example.com");
        fakes.heldByHubSpotAndMailchimp("sticky@example.com");
        // HubSpot acknowledges the delete but its read-back still returns the contact.
        fakes.hubspotAlways(HUBSPOT_BATCH_READ, SandboxResponse.json(200,
                "{\"status\":\"COMPLETE\",\"results\":[{\"id\":\"901\",\"properties\":{\"email\":\"sticky@example.com\"}}]}"));
        String id = file(ADMIN_KEY, "sticky@example.com").json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("action_required"));
        JsonNode hubspot = null;
        for (JsonNode v : request(id).path("vendors")) {
            if (v.path("vendor").asText().equals("hubspot")) {
                hubspot = v;
            }
        }
        assertThat(hubspot.path("status").asText()).isIn("failed", "action_required");
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"sticky@example.com\"}").status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.Arrays.stream(mail.getReceivedMessages())
                .anyMatch(m -> recipient(m).equals(DPO)));
    }

    @Test
    void an_intake_erasure_waits_for_the_persons_single_use_link() throws Exception {
        Response filed = file(INTAKE_KEY, "confirm.me@example.com");
        assertThat(filed.json().path("status").asText()).isEqualTo("identity_unverified");
        String id = filed.json().path("requestId").asText();
        // Mail is queued: the previous test's completion mail may still arrive now, so pick the person's by recipient.
        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.Arrays.stream(mail.getReceivedMessages())
                .anyMatch(m -> recipient(m).equals("confirm.me@example.com")));
        MimeMessage message = java.util.Arrays.stream(mail.getReceivedMessages())
                .filter(m -> recipient(m).equals("confirm.me@example.com")).findFirst().orElseThrow();
        assertThat(message.getSubject()).contains(id);
        Matcher link = Pattern.compile("/verify/([A-Za-z0-9_-]{43})").matcher(GreenMailUtil.getBody(message));
        assertThat(link.find()).isTrue();
        assertThat(fakes.hubspotPosts(HUBSPOT_GDPR_DELETE)).isEmpty();

        // The person is not in the register: no subject exists until they confirm.
        assertThat(request(id).path("subjectId").isNull()).isTrue();
        Response opened = api.get("/verify/" + link.group(1), null);
        assertThat(opened.status()).isEqualTo(200);
        assertThat(opened.contentType()).startsWith("text/html");
        Response confirmed = confirm(link.group(1));
        assertThat(confirmed.status()).isEqualTo(200);
        assertThat(confirmed.body()).contains("confirmed");
        assertThat(confirm(link.group(1)).status()).isEqualTo(404); // single use
        assertThat(api.get("/verify/" + link.group(1), null).status()).isEqualTo(404);
        assertThat(api.get("/verify/not-a-token", null).status()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
    }

    @Test
    void a_deadline_is_extended_once_with_a_reason_and_a_request_can_be_cancelled() throws Exception {
        String id = file(INTAKE_KEY, "slow.case@example.com").json().path("requestId").asText();
        String due = request(id).path("dueAt").asText();
        assertThat(api.post("/api/v1/requests/" + id + "/extend", ADMIN_KEY, "{}").status()).isEqualTo(400);
        Response extended = api.post("/api/v1/requests/" + id + "/extend", ADMIN_KEY,
                "{\"reason\":\"Records span several archived systems\",\"months\":2}");
        assertThat(extended.status()).isEqualTo(200);
        assertThat(extended.json().path("extended").asBoolean()).isTrue();
        assertThat(java.time.Instant.parse(extended.json().path("dueAt").asText()))
                .isAfter(java.time.Instant.parse(due).plus(Duration.ofDays(55)));
        assertThat(api.post("/api/v1/requests/" + id + "/extend", ADMIN_KEY, "{\"reason\":\"again\"}").status())
                .isEqualTo(409);
        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.Arrays.stream(mail.getReceivedMessages())
                .anyMatch(m -> GreenMailUtil.getBody(m).contains("Records span several archived systems")));

        Response cancelled = api.post("/api/v1/requests/" + id + "/cancel", ADMIN_KEY, "{}");
        assertThat(cancelled.json().path("status").asText()).isEqualTo("cancelled");
        assertThat(api.post("/api/v1/requests/" + id + "/cancel", ADMIN_KEY, "{}").status()).isEqualTo(409);
    }

    @Test
    void an_access_request_collects_every_vendors_records_into_one_package() {
        String subjectId = consentFor("ada@example.com");
        fakes.hubspotContact("ada@example.com");
        fakes.salesforceContact("ada@example.com", "003000000000077AAA", null);
        String id = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "access", "regulation": "ccpa", "subject": {"email": "ada@example.com"}}""").json()
                .path("requestId").asText();
        assertThat(api.get("/api/v1/requests/" + id + "/export", ADMIN_KEY).status()).isIn(200, 409);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        Response export = api.get("/api/v1/requests/" + id + "/export", ADMIN_KEY);
        assertThat(export.status()).isEqualTo(200);
        JsonNode pkg = export.json();
        assertThat(pkg.path("subjectId").asText()).isEqualTo(subjectId);
        assertThat(pkg.path("generatedAt").asText()).isNotBlank();
        assertThat(pkg.path("register").path("identities").path("email").get(0).asText()).isEqualTo("ada@example.com");
        assertThat(pkg.path("register").path("consentHistory").get(0).path("evidence").path("ip").asText())
                .isEqualTo("198.51.100.4");
        assertThat(pkg.path("vendors").path("hubspot").path("records").get(0).path("properties").path("firstname")
                .asText()).isEqualTo("Ada");
        assertThat(pkg.path("vendors").path("hubspot").path("dataCategories")).isNotEmpty();
        assertThat(pkg.path("vendors").path("salesforce").path("records").get(0).path("Id").asText())
                .isEqualTo("003000000000077AAA");
        assertThat(pkg.path("vendors").path("mailchimp").path("status").asText()).isEqualTo("not_found");
        assertThat(api.get("/api/v1/sync-log?requestId=" + id, ADMIN_KEY).body()).doesNotContain("Ada");
        assertThat(api.get("/api/v1/requests/" + id + "/export", COMPLIANCE_KEY).status()).isEqualTo(403);
        // Who fetched the person's package is on the access log compliance reads (the early 409 was no download).
        assertThat(context.getRegistry().lookupByNameAndType("personalDataAccessLog",
                io.lethe.review.PersonalDataAccessLog.class).page(null, subjectId, 10))
                .singleElement().satisfies(e -> {
                    assertThat(e.viewer()).isEqualTo("admin");
                    assertThat(e.reason()).contains(id, "API");
                });
    }

    @Test
    void a_rectification_reaches_every_vendor_holding_the_person_and_the_register() {
        String subjectId = consentFor("old.name@example.com");
        fakes.hubspotVendor.seed("old.name@example.com", (String) null);
        fakes.mailchimpVendor.seedInList(VendorFakes.LIST_A, "old.name@example.com"); // list-b does not hold the person
        fakes.salesforceContact("old.name@example.com", "003000000000088AAA", null);
        String id = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "rectification", "subject": {"email": "old.name@example.com"},
                 "changes": {"email": "New.Name@example.com", "lastName": "Newman"}}""").json().path("requestId").asText();
        // Even an operator-checked request waits until the new address is confirmed as the person's.
        assertThat(request(id).path("status").asText()).isEqualTo("identity_unverified");
        assertThat(fakes.hubspotPosts(VendorFakes.HUBSPOT_BATCH_UPDATE)).isEmpty();
        assertThat(confirm(linkTo("new.name@example.com")).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        JsonNode update = VendorFakes.json(fakes.hubspotPosts(VendorFakes.HUBSPOT_BATCH_UPDATE).get(0)).path("inputs").get(0);
        assertThat(update.path("id").asText()).isEqualTo("old.name@example.com");
        assertThat(update.path("properties").path("email").asText()).isEqualTo("new.name@example.com");
        assertThat(update.path("properties").path("lastname").asText()).isEqualTo("Newman");
        JsonNode member = VendorFakes.json(fakes.mailchimp.requests().stream()
                .filter(q -> q.method().equals("PATCH") && q.path().startsWith("/3.0/lists/list-a/")).findFirst().orElseThrow());
        assertThat(member.path("email_address").asText()).isEqualTo("new.name@example.com");
        assertThat(member.path("merge_fields").path("LNAME").asText()).isEqualTo("Newman");
        assertThat(fakes.hubspotVendor.contact("new.name@example.com")).containsEntry("lastname", "Newman");
        assertThat(fakes.mailchimpVendor.statuses(VendorFakes.LIST_A)).containsKey("new.name@example.com")
                .doesNotContainKey("old.name@example.com");
        assertThat(request(id).path("vendors").findValuesAsText("status")).containsExactlyInAnyOrder("completed",
                "completed", "completed");
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"new.name@example.com\"}").json()
                .path("subjectId").asText()).isEqualTo(subjectId);
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"old.name@example.com\"}").status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/sync-log?requestId=" + id, ADMIN_KEY).body()).doesNotContain("Newman")
                .doesNotContain("new.name");
        assertThat(api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "rectification", "subject": {"email": "x@example.com"}, "changes": {"shoeSize": "42"}}""")
                .json().path("errors").findValuesAsText("field")).contains("changes.shoeSize");
    }

    @Test
    void bad_or_unsupported_requests_store_nothing() {
        long before = database.count("dsr");
        assertThat(api.post("/api/v1/requests", ADMIN_KEY, "{\"type\":\"forget-me\",\"subject\":{\"email\":\"a@example.com\"}}")
                .json().path("errors").get(0).path("field").asText()).isEqualTo("type");
        assertThat(api.post("/api/v1/requests", ADMIN_KEY,
                "{\"type\":\"erasure\",\"regulation\":\"lgpd\",\"subject\":{\"email\":\"a@example.com\"}}").status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/requests", INTAKE_KEY, "{\"type\":\"erasure\",\"subject\":{\"externalId\":\"x-1\"}}")
                .json().path("errors").get(0).path("field").asText()).isEqualTo("subject.email");
        assertThat(api.post("/api/v1/requests", ADMIN_KEY,
                "{\"type\":\"rectification\",\"subject\":{\"email\":\"a@example.com\"},\"changes\":{}}").status())
                .isEqualTo(400);
        assertThat(api.post("/api/v1/requests", MARKETER_KEY, "{\"type\":\"erasure\",\"subject\":{\"email\":\"a@example.com\"}}")
                .status()).isEqualTo(403);
        assertThat(database.count("dsr")).isEqualTo(before);
        assertThat(api.get("/api/v1/requests/00000000-0000-4000-8000-000000000000", ADMIN_KEY).status()).isEqualTo(404);
    }

    /** Presses the button of the link's page: a form POST to the same path. */
    Response confirm(String token) {
        return api.send("POST", "/verify/" + token, null, "application/x-www-form-urlencoded", "");
    }

    /** The token of the last link e-mailed to {@code address}. */
    String linkTo(String address) {
        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.Arrays.stream(mail.getReceivedMessages())
                .anyMatch(m -> recipient(m).equals(address) && GreenMailUtil.getBody(m).contains("/verify/")));
        String token = null;
        for (MimeMessage m : mail.getReceivedMessages()) {
            Matcher link = Pattern.compile("/verify/([A-Za-z0-9_-]{43})").matcher(GreenMailUtil.getBody(m));
            if (recipient(m).equals(address) && link.find()) {
                token = link.group(1);
            }
        }
        return token;
    }

    static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
