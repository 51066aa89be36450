package io.lethe.requests;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.lethe.support.VendorFakes.HUBSPOT_BATCH_READ;
import static io.lethe.support.VendorFakes.HUBSPOT_BATCH_UPDATE;
import static io.lethe.support.VendorFakes.HUBSPOT_GDPR_DELETE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The attacks of the identity security issue, performed from outside through the HTTP API of a running hub (with
 * vendor fakes and a mail server), each shown refused; and the legitimate flows next to them still working.
 */
abstract class IdentityAttacksTest extends HubTestSupport {

    static final String DPO = "data.protection.officer@lethe-hub.example";
    static final Pattern LINK = Pattern.compile("/verify/([A-Za-z0-9_-]{43})");
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

    // Item 1: takeover by rectification.
    @Test
    void a_rectification_to_another_subjects_address_is_refused_and_a_new_address_needs_its_own_link() {
        String victim = "victoria.hallstrom@northwind-mail.example";
        String attacker = "mallory.quinn@throwaway-inbox.example";
        String victimId = consent(ADMIN_KEY, "{\"email\":\"" + victim + "\"}", "granted");
        consent(ADMIN_KEY, "{\"email\":\"" + victim + "\"}", "withdrawn");
        String attackerId = consent(INTAKE_KEY, "{\"email\":\"" + attacker + "\"}", "granted");
        long requests = database.count("dsr");

        for (String key : List.of(INTAKE_KEY, ADMIN_KEY)) {
            Response r = api.post("/api/v1/requests", key, """
                    {"type": "rectification", "subject": {"email": "%s"}, "changes": {"email": "%s"}}"""
                    .formatted(attacker, victim.toUpperCase()));
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.json().path("errors").findValuesAsText("field")).containsExactly("changes.email");
            assertThat(r.body()).doesNotContain(victim).doesNotContain(victimId);
        }
        assertThat(database.count("dsr")).isEqualTo(requests);
        assertThat(lookup(victim)).isEqualTo(victimId);
        assertThat(api.get("/api/v1/subjects/" + victimId + "/consents", ADMIN_KEY).json().path("purposes")
                .path("email_marketing").path("status").asText()).isEqualTo("withdrawn");
        assertThat(mailsTo(attacker)).isEmpty();

        // The legitimate change of address: the old address confirms the request, the new one confirms itself.
        String fresh = "mallory.quinn.new@fresh-provider-mail.example";
        String id = api.post("/api/v1/requests", INTAKE_KEY, """
                {"type": "rectification", "subject": {"email": "%s"}, "changes": {"email": "%s"}}"""
                .formatted(attacker, fresh)).json().path("requestId").asText();
        assertThat(request(id).path("status").asText()).isEqualTo("identity_unverified");
        Response first = confirm(linkTo(attacker));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body()).contains("every address");
        assertThat(request(id).path("status").asText()).isEqualTo("identity_unverified");
        assertThat(fakes.hubspotPosts(HUBSPOT_BATCH_UPDATE)).isEmpty();
        assertThat(lookup(fresh)).isNull();

        assertThat(confirm(linkTo(fresh)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(lookup(fresh)).isEqualTo(attackerId);
        assertThat(lookup(attacker)).isNull();
        assertThat(lookup(victim)).isEqualTo(victimId);
    }

    // Item 2: verification bypass by a second identifier.
    @Test
    void a_request_naming_the_victims_identifier_with_the_attackers_address_is_refused() {
        String victim = "henrik.oyelaran-bauer@lakeside-clinic.example";
        String attacker = "eve.collector@anonymous-drop.example";
        String victimId = consent(ADMIN_KEY, """
                {"email": "%s", "externalId": "crm-00482913", "phone": "+4915123456781"}""".formatted(victim), "granted");
        long requests = database.count("dsr");

        for (String type : List.of("erasure", "access", "rectification")) {
            for (String identifier : List.of("\"externalId\": \"crm-00482913\"", "\"phone\": \"+49 151 2345 6781\"")) {
                Response r = api.post("/api/v1/requests", INTAKE_KEY, """
                        {"type": "%s", "subject": {%s, "email": "%s"}%s}""".formatted(type, identifier, attacker,
                        type.equals("rectification") ? ", \"changes\": {\"lastName\": \"Collector\"}" : ""));
                assertThat(r.status()).as(type + " " + identifier).isEqualTo(409);
                // An intake key may not look people up: it is not told which identity is on record.
                assertThat(r.json().path("errors").findValuesAsText("field")).containsExactly("subject");
            }
        }
        // A corrected phone that is the victim's is refused as well.
        Response phone = api.post("/api/v1/requests", INTAKE_KEY, """
                {"type": "rectification", "subject": {"email": "%s"}, "changes": {"phone": "+4915123456781"}}"""
                .formatted(attacker));
        assertThat(phone.status()).isEqualTo(409);
        assertThat(phone.json().path("errors").findValuesAsText("field")).containsExactly("changes.phone");
        Response admin = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "subject": {"externalId": "crm-00482913", "email": "%s"}}""".formatted(attacker));
        assertThat(admin.status()).isEqualTo(409);
        assertThat(admin.json().path("errors").findValuesAsText("field")).containsExactly("subject.email");

        assertThat(database.count("dsr")).isEqualTo(requests);
        assertThat(lookup(attacker)).isNull();
        assertThat(lookup(victim)).isEqualTo(victimId);
        assertThat(mailsTo(attacker)).isEmpty();
        assertThat(fakes.hubspotPosts(HUBSPOT_GDPR_DELETE)).isEmpty();
        assertThat(fakes.hubspotPosts(HUBSPOT_BATCH_READ)).isEmpty();

        // The person themselves, with identities on record: the link goes to their address on record.
        String id = api.post("/api/v1/requests", INTAKE_KEY, """
                {"type": "access", "subject": {"externalId": "crm-00482913", "email": "%s"}}""".formatted(victim))
                .json().path("requestId").asText();
        assertThat(request(id).path("status").asText()).isEqualTo("identity_unverified");
        assertThat(request(id).path("subjectId").asText()).isEqualTo(victimId);
        assertThat(linkTo(victim)).isNotNull();
        api.post("/api/v1/requests/" + id + "/cancel", ADMIN_KEY, "{}");
    }

    // Item 3: silent identity merges.
    @Test
    void a_consent_event_never_links_an_identity_an_admin_links_it_explicitly_and_audited() throws Exception {
        String other = "ingrid.sorensen@harbour-analytics.example";
        String claimed = "claimed.identity@unverified-signup.example";
        String subjectId = consent(ADMIN_KEY, "{\"externalId\": \"crm-7731904\"}", "granted");
        String otherId = consent(ADMIN_KEY, "{\"email\": \"" + other + "\"}", "granted");
        long events = database.count("consent_event");
        String body = event("{\"externalId\": \"crm-7731904\", \"email\": \"" + claimed + "\"}", "granted");

        for (String key : List.of(MARKETER_KEY, ADMIN_KEY)) {
            Response r = api.post("/api/v1/consents", key, body);
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().path("errors").findValuesAsText("field")).containsExactly("subject.email");
            assertThat(r.body()).doesNotContain(subjectId);
        }
        Response intake = api.post("/api/v1/consents", INTAKE_KEY, body);
        assertThat(intake.status()).isEqualTo(409);
        assertThat(intake.json().path("errors").findValuesAsText("field")).containsExactly("subject");
        Response batch = api.post("/api/v1/consents/batch", INTAKE_KEY, "{\"events\": [" + body + ", "
                + event("{\"email\": \"batch.neighbour@unrelated-company.example\"}", "granted") + "]}");
        assertThat(batch.json().path("results").get(0).path("error").path("status").asInt()).isEqualTo(409);
        assertThat(batch.json().path("results").get(0).path("error").path("errors").findValuesAsText("field"))
                .containsExactly("events[0].subject");
        assertThat(batch.json().path("results").get(1).path("eventId").asText()).isNotBlank();
        assertThat(database.count("consent_event")).isEqualTo(events + 1);
        assertThat(lookup(claimed)).isNull();

        // The explicit way: admin only, audited, never moving another subject's identity.
        String path = "/api/v1/subjects/" + subjectId + "/identities";
        assertThat(api.post(path, MARKETER_KEY, "{\"email\": \"" + claimed + "\"}").status()).isEqualTo(403);
        assertThat(api.post(path, INTAKE_KEY, "{\"email\": \"" + claimed + "\"}").status()).isEqualTo(403);
        Response linked = api.post(path, ADMIN_KEY, "{\"email\": \"" + claimed.toUpperCase() + "\"}");
        assertThat(linked.status()).isEqualTo(201);
        assertThat(linked.json().path("linked").asBoolean()).isTrue();
        assertThat(lookup(claimed)).isEqualTo(subjectId);
        assertThat(api.post(path, ADMIN_KEY, "{\"email\": \"" + claimed + "\"}").json().path("linked").asBoolean())
                .isFalse();
        Response taken = api.post(path, ADMIN_KEY, "{\"email\": \"" + other + "\"}");
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.json().path("errors").findValuesAsText("field")).containsExactly("email");
        assertThat(lookup(other)).isEqualTo(otherId);
        assertThat(api.post("/api/v1/subjects/00000000-0000-4000-8000-000000000000/identities", ADMIN_KEY,
                "{\"email\": \"" + claimed + "\"}").status()).isEqualTo(404);
        assertThat(api.post(path, ADMIN_KEY, "{\"email\": \"" + claimed + "\", \"phone\": \"+4930123456\"}").status())
                .isEqualTo(400);

        List<String> audit = rows("select subject_id, kind, lookup_hash, linked_by from identity_link_audit");
        assertThat(audit).containsExactly(subjectId + "|EMAIL|" + audit.get(0).split("\\|")[2] + "|admin");
        assertThat(String.join(" ", audit)).doesNotContain("@");

        // Once linked, the same event is simply recorded for that subject.
        assertThat(api.post("/api/v1/consents", MARKETER_KEY, body).json().path("subjectId").asText())
                .isEqualTo(subjectId);
    }

    // Item 4: link scanners confirming requests.
    @Test
    void opening_the_link_changes_nothing_only_the_pages_post_confirms() {
        String person = "olufemi.castellanos@riverbank-post.example";
        consent(ADMIN_KEY, "{\"email\": \"" + person + "\"}", "granted");
        String id = api.post("/api/v1/requests", INTAKE_KEY, """
                {"type": "erasure", "subject": {"email": "%s"}}""".formatted(person)).json().path("requestId").asText();
        String token = linkTo(person);

        for (int scan = 0; scan < 3; scan++) { // a mail scanner, a prefetcher, the person
            HttpResponse<String> page = api.raw("GET", "/verify/" + token, null, null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'none'")
                    .contains("form-action 'self'").doesNotContain("unsafe-inline");
            assertThat(page.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-store");
            assertThat(page.headers().firstValue("Referrer-Policy").orElse("")).isEqualTo("no-referrer");
            assertThat(page.body()).contains("<form method=\"post\" action=\"/verify/" + token + "\"")
                    .doesNotContain("<script");
        }
        assertThat(request(id).path("status").asText()).isEqualTo("identity_unverified");
        assertThat(fakes.hubspotPosts(HUBSPOT_GDPR_DELETE)).isEmpty();

        assertThat(confirm(token).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(confirm(token).status()).isEqualTo(404);
        assertThat(api.raw("GET", "/verify/" + token, null, null).statusCode()).isEqualTo(404);
        assertThat(api.raw("GET", "/verify/%3Cscript%3Ealert(1)%3C%2Fscript%3E", null, null).body())
                .doesNotContain("<script");
    }

    // Item 10 (part): no subject for an unconfirmed request of an unknown address.
    @Test
    void an_unconfirmed_request_of_an_unknown_address_creates_no_subject_and_its_confirmation_does() throws Exception {
        String stranger = "first.contact.person@newcomer-domain.example";
        long subjects = database.count("subject");
        String erasure = api.post("/api/v1/requests", INTAKE_KEY, """
                {"type": "erasure", "subject": {"email": "%s", "externalId": "guessed-crm-991"}}"""
                .formatted(stranger)).json().path("requestId").asText();
        String access = api.post("/api/v1/requests", INTAKE_KEY, """
                {"type": "access", "subject": {"email": "%s"}}""".formatted(stranger)).json().path("requestId").asText();
        assertThat(request(erasure).path("status").asText()).isEqualTo("identity_unverified");
        assertThat(request(erasure).path("subjectId").isNull()).isTrue();
        assertThat(database.count("subject")).isEqualTo(subjects);
        assertThat(lookup(stranger)).isNull();
        assertThat(rows("select sealed_contact from dsr where id = '" + access + "'").get(0)).isNotEqualTo("null")
                .doesNotContain(stranger);

        await().atMost(Duration.ofSeconds(10)).until(() -> mailsTo(stranger).size() == 2);
        String accessToken = tokenIn(mailsTo(stranger).stream().filter(m -> subject(m).contains(access)).findFirst()
                .orElseThrow());
        assertThat(confirm(accessToken).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(access).path("status").asText()).isEqualTo("completed"));
        JsonNode pkg = api.get("/api/v1/requests/" + access + "/export", ADMIN_KEY).json();
        // Only the confirmed address: the external id given was never proven to be theirs.
        assertThat(pkg.path("register").path("identities").toString()).contains(stranger).doesNotContain("guessed");
        assertThat(lookup(stranger)).isEqualTo(pkg.path("subjectId").asText());
        assertThat(rows("select contact_key from dsr where id = '" + access + "'")).containsExactly("null");
        api.post("/api/v1/requests/" + erasure + "/cancel", ADMIN_KEY, "{}");
    }

    // Item 15: consent for an address in the suppression register.
    @Test
    void consent_for_an_erased_address_is_recorded_flagged_and_the_dpo_told_once() throws Exception {
        String erased = "returning.customer@reimported-list.example";
        String oldId = consent(ADMIN_KEY, "{\"email\": \"" + erased + "\"}", "granted");
        String erasure = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "subject": {"email": "%s"}}""".formatted(erased)).json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(erasure).path("status").asText()).isEqualTo("completed"));
        assertThat(lookup(erased)).isNull();
        mail.purgeEmailFromAllMailboxes();

        String newId = consent(INTAKE_KEY, "{\"email\": \"" + erased + "\"}", "granted");
        assertThat(newId).isNotEqualTo(oldId);
        assertThat(rows("select reimported_after from subject where id = '" + newId + "'")).containsExactly(erasure);
        await().atMost(Duration.ofSeconds(10)).until(() -> !mailsTo(DPO).isEmpty());
        MimeMessage alert = mailsTo(DPO).get(0);
        assertThat(subject(alert)).contains("erased");
        assertThat(GreenMailUtil.getBody(alert)).contains(newId).contains(erasure).doesNotContain(erased);

        assertThat(consent(INTAKE_KEY, "{\"email\": \"" + erased + "\"}", "withdrawn")).isEqualTo(newId);
        assertThat(consent(INTAKE_KEY, "{\"email\": \"someone.unrelated@ordinary-signup.example\"}", "granted"))
                .isNotBlank();
        Thread.sleep(2500); // a second alert would have left the mail queue by now
        assertThat(mailsTo(DPO)).hasSize(1);
    }

    @Test
    void an_unproven_objection_never_binds_a_strangers_address_to_an_identifier_the_caller_chose() {
        String stranger = "never.registered.before@unrelated-person.example";
        Response r = api.post("/api/v1/requests", INTAKE_KEY, """
                {"type": "objection", "purposes": ["profiling"],
                 "subject": {"email": "%s", "externalId": "attacker-chosen-id-4711"}}""".formatted(stranger));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(lookup(stranger)).isNotNull();
        assertThat(api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"externalId\": \"attacker-chosen-id-4711\"}")
                .status()).isEqualTo(404);
    }

    // --- helpers

    String event(String subject, String status) {
        return """
                {"subject": %s, "purpose": "email_marketing", "status": "%s",
                 "evidence": {"ip": "198.51.100.23", "noticeVersion": "2026-03"}}""".formatted(subject, status);
    }

    String consent(String key, String subject, String status) {
        Response r = api.post("/api/v1/consents", key, event(subject, status));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    String lookup(String email) {
        Response r = api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\": \"" + email + "\"}");
        return r.status() == 404 ? null : r.json().path("subjectId").asText();
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

    Response confirm(String token) {
        return api.send("POST", "/verify/" + token, null, "application/x-www-form-urlencoded", "");
    }

    List<MimeMessage> mailsTo(String address) {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> recipient(m).equalsIgnoreCase(address)).toList();
    }

    /** The token of the last link e-mailed to {@code address}. */
    String linkTo(String address) {
        await().atMost(Duration.ofSeconds(10)).until(() -> mailsTo(address).stream()
                .anyMatch(m -> LINK.matcher(GreenMailUtil.getBody(m)).find()));
        List<MimeMessage> messages = mailsTo(address);
        return tokenIn(messages.get(messages.size() - 1));
    }

    static String tokenIn(MimeMessage m) {
        Matcher link = LINK.matcher(GreenMailUtil.getBody(m));
        return link.find() ? link.group(1) : null;
    }

    List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)
                            : String.valueOf(v));
                }
                out.add(String.join("|", row));
            }
        }
        return out;
    }

    static String recipient(MimeMessage m) {
        try {
            return m.getAllRecipients()[0].toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
