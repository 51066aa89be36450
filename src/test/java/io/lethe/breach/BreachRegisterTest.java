package io.lethe.breach;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import io.lethe.support.Addresses;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.MutableClock;
import io.lethe.support.VendorFakes;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The breach register end to end, with the hub's own dispatch to the Mailchimp fake and a GreenMail SMTP server:
 * subjects Mailchimp holds (their withdrawals were delivered there), one of them erased since (crypto-shredded),
 * subjects it never got, and subjects of a purpose no connector maps. The breach clock is moved by hand: the DPO is
 * reminded at 24 h and at 60 h exactly once each; the affected count is exact; the Art. 34 notices reach exactly the
 * affected subjects, in batches, once; the exemption path sends nothing; the sync log's chain verifies and holds
 * none of the texts or addresses.
 */
abstract class BreachRegisterTest extends HubTestSupport {

    static final String DPO = "data.protection.officer@example-company.co.uk";
    static final String NOTICE_SUBJECT = "Important: a security incident may affect your personal data";
    static final String NATURE = "An export of the newsletter list at the e-mail vendor was readable by anyone with"
            + " its link <b>for two days</b>.";

    VendorFakes fakes;
    GreenMail mail;
    MutableClock clock;
    List<String> held;       // withdrew email_marketing: Mailchimp got (and holds) them
    List<String> heldIds;
    String erasedId;         // held, then erased: crypto-shredded
    List<String> notHeld;    // granted email_marketing: never pushed (pushOptIns false)
    List<String> profiling;  // granted profiling: no enabled connector maps it
    List<String> profilingIds;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "mailchimp");
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.dpo.email", DPO);
        p.put("lethe.mail.poll-ms", "100");
        p.put("lethe.breach.sweep-ms", "100");
        p.put("lethe.breach.notice-batch", "2");
        return p;
    }

    @AfterAll
    void stopVendorsAndMail() {
        fakes.close();
        mail.stop();
    }

    /** Seeds the register once (the hub is shared by this class's tests). */
    synchronized void seed() {
        if (held != null) {
            return;
        }
        clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        context.getRegistry().lookupByNameAndType("breachClock", AdjustableClock.class).set(clock);
        List<String> all = Addresses.realistic(11, "breach");
        // The first four are 25 to 64 characters long; the fifth, 254 (the longest an address can be).
        held = List.of(all.get(0), all.get(1), all.get(2), Addresses.realistic(97, "breach").get(96), all.get(4));
        notHeld = all.subList(5, 8);
        profiling = all.subList(8, 11);
        heldIds = held.stream().map(a -> consent(a, "email_marketing", "withdrawn")).toList();
        notHeld.forEach(a -> consent(a, "email_marketing", "granted"));
        profilingIds = profiling.stream().map(a -> consent(a, "profiling", "granted")).toList();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String id : heldIds) {
                assertThat(api.get("/api/v1/sync-log?vendor=mailchimp&subjectId=" + id, COMPLIANCE_KEY).json()
                        .path("entries").findValuesAsText("outcome")).contains("delivered");
            }
        });
        erasedId = heldIds.get(4);
        Response filed = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "subject": {"email": "%s"}}""".formatted(held.get(4)));
        assertThat(filed.status()).as(filed.body()).isEqualTo(202);
        String requestId = filed.json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.get("/api/v1/requests/" + requestId,
                ADMIN_KEY).json().path("status").asText()).isEqualTo("completed"));
    }

    String consent(String email, String purpose, String status) {
        Response r = api.post("/api/v1/consents", INTAKE_KEY, """
                {"subject": {"email": "%s"}, "purpose": "%s", "status": "%s", "source": "signup-form"}"""
                .formatted(email, purpose, status));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    String record(Instant awareAt, String connectors, String purposes) {
        Response r = api.post("/api/v1/breaches", ADMIN_KEY, body(awareAt.toString(), connectors, purposes));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("breachId").asText();
    }

    static String body(String awareAt, String connectors, String purposes) {
        return """
                {"awareAt": "%s", "nature": "%s",
                 "subjectCategories": "newsletter subscribers", "subjectsApprox": 4,
                 "recordCategories": "e-mail addresses and subscription dates", "recordsApprox": 4,
                 "consequences": "You may receive phishing e-mails that pretend to come from us.",
                 "measures": "The link was revoked and the vendor rotated its access keys.",
                 "contact": "Data Protection Officer, %s",
                 "connectors": [%s], "purposes": [%s]}""".formatted(awareAt, NATURE.replace("\"", "\\\""), DPO,
                connectors, purposes);
    }

    @Test
    void clock_reminders_affected_subjects_and_notices_are_right() throws Exception {
        seed();
        String id = record(clock.instant().minus(Duration.ofHours(2)), "\"mailchimp\"", "");

        JsonNode b = api.get("/api/v1/breaches/" + id, COMPLIANCE_KEY).json();
        assertThat(b.path("clock").path("deadline").asText()).isEqualTo(clock.instant().plus(Duration.ofHours(70))
                .toString());
        assertThat(b.path("clock").path("hoursLeft").asLong()).isEqualTo(70);
        assertThat(b.path("clock").path("overdue").asBoolean()).isFalse();
        assertThat(b.path("nature").asText()).isEqualTo(NATURE);

        // Affected: the four Mailchimp holds still; not the erased one, not those it never got, not profiling's.
        JsonNode affected = api.get("/api/v1/breaches/" + id + "/affected", COMPLIANCE_KEY).json();
        assertThat(affected.path("count").asInt()).isEqualTo(4);
        List<String> ids = new ArrayList<>();
        affected.path("subjectIds").forEach(n -> ids.add(n.asText()));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(heldIds.subList(0, 4)).doesNotContain(erasedId);
        // Someone Mailchimp gets only after the breach was recorded was not in it: not affected, never told.
        String later = consent(Addresses.realistic(12, "after-breach").get(11), "email_marketing", "withdrawn");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.get("/api/v1/sync-log?vendor=mailchimp"
                + "&subjectId=" + later, COMPLIANCE_KEY).json().path("entries").findValuesAsText("outcome"))
                .contains("delivered"));
        JsonNode stillFour = api.get("/api/v1/breaches/" + id + "/affected", COMPLIANCE_KEY).json();
        assertThat(stillFour.path("count").asInt()).isEqualTo(4);
        assertThat(stillFour.path("subjectIds").toString()).doesNotContain(later);

        // Reminders: none before 24 h, one at 24 h, one at 60 h, each once.
        Thread.sleep(300);
        assertThat(reminders(id)).isEmpty();
        clock.advance(Duration.ofHours(22));
        // Four passes at once besides the timer's, as four nodes would run them: still one reminder.
        inParallel(() -> bean("breachReminders", BreachReminders.class).run());
        await().atMost(Duration.ofSeconds(10)).until(() -> reminders(id).size() == 1);
        assertThat(reminders(id).get(0).getSubject()).contains("24 hours");
        clock.advance(Duration.ofHours(1));
        Thread.sleep(400); // several sweeps
        assertThat(reminders(id)).hasSize(1);
        clock.advance(Duration.ofHours(35)); // 60 h
        await().atMost(Duration.ofSeconds(10)).until(() -> reminders(id).size() == 2);
        assertThat(reminders(id).get(1).getSubject()).contains("60 hours");
        assertThat(GreenMailUtil.getBody(reminders(id).get(1))).contains(id).contains("12 hour(s) left");
        clock.advance(Duration.ofHours(13)); // 73 h: overdue
        Thread.sleep(400);
        assertThat(reminders(id)).hasSize(2);
        b = api.get("/api/v1/breaches/" + id, COMPLIANCE_KEY).json();
        assertThat(b.path("clock").path("overdue").asBoolean()).isTrue();
        assertThat(b.path("clock").path("hoursLeft").asLong()).isEqualTo(-1);
        assertThat(b.path("reminders").path("at24h").isNull()).isFalse();

        // Notified after 72 h: the reasons for the delay are required (Art. 33(1)).
        String notifiedAt = clock.instant().toString();
        Response refused = api.send("PATCH", "/api/v1/breaches/" + id, ADMIN_KEY, "application/json",
                "{\"authorityNotifiedAt\": \"" + notifiedAt + "\", \"authorityReference\": \"ICO-2026-0042\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("errors").get(0).path("field").asText()).isEqualTo("delayReason");
        Response notified = api.send("PATCH", "/api/v1/breaches/" + id, ADMIN_KEY, "application/json",
                "{\"authorityNotifiedAt\": \"" + notifiedAt + "\", \"authorityReference\": \"ICO-2026-0042\","
                        + " \"delayReason\": \"The vendor confirmed the exposure only on the third day.\","
                        + " \"measures\": \"The link was revoked, the vendor rotated its keys and audits its exports.\"}");
        assertThat(notified.status()).as(notified.body()).isEqualTo(200);
        assertThat(notified.json().path("clock").path("notifiedLate").asBoolean()).isTrue();
        assertThat(notified.json().path("clock").path("overdue").asBoolean()).isFalse();
        assertThat(api.send("PATCH", "/api/v1/breaches/" + id, ADMIN_KEY, "application/json",
                "{\"authorityNotifiedAt\": \"" + notifiedAt + "\"}").status()).isEqualTo(409);

        // The Art. 34 notices: exactly the affected subjects, in batches of two, once.
        assertThat(api.post("/api/v1/breaches/" + id + "/notices", ADMIN_KEY, "").status()).isEqualTo(202);
        inParallel(() -> bean("breachNotices", BreachNotices.class).run());
        await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/breaches/" + id, COMPLIANCE_KEY).json()
                .path("subjectCommunication").path("progress").path("mail").path("sent").asInt() == 4);
        JsonNode progress = api.get("/api/v1/breaches/" + id, COMPLIANCE_KEY).json().path("subjectCommunication")
                .path("progress");
        assertThat(progress.path("finished").asBoolean()).isTrue();
        assertThat(progress.path("queued").asInt()).isEqualTo(4);
        assertThat(progress.path("remaining").asInt()).isZero();
        assertThat(api.post("/api/v1/breaches/" + id + "/notices", ADMIN_KEY, "").status()).isEqualTo(202);
        Thread.sleep(400);
        List<MimeMessage> notices = notices();
        assertThat(notices.stream().map(BreachRegisterTest::to).toList())
                .containsExactlyInAnyOrderElementsOf(held.subList(0, 4));
        String text = GreenMailUtil.getBody(notices.get(0));
        assertThat(text).contains("readable by anyone").contains("phishing").contains("audits its exports")
                .contains(DPO).contains(id);
        assertThat(batches(id)).as("queued two at a time, one transaction each").containsExactly(2L, 2L);

        // The report, as JSON and as a printable page (escaped, the console's CSP).
        JsonNode report = api.get("/api/v1/breaches/" + id + "/report", COMPLIANCE_KEY).json();
        assertThat(report.path("nature").asText()).isEqualTo(NATURE);
        assertThat(report.path("subjects").path("affectedInRegister").asInt()).isEqualTo(4);
        assertThat(report.path("authorityReference").asText()).isEqualTo("ICO-2026-0042");
        assertThat(report.path("notifiedLate").asBoolean()).isTrue();
        assertThat(report.path("subjectCommunication").path("noticesQueued").asInt()).isEqualTo(4);
        HttpResponse<String> html = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + port + "/api/v1/breaches/" + id + "/report.html"))
                .header("Authorization", "Bearer " + COMPLIANCE_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(html.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
        assertThat(html.body()).contains("&lt;b&gt;for two days&lt;/b&gt;").doesNotContain("<b>for two days")
                .contains("The vendor confirmed the exposure only on the third day.");

        assertChainHoldsNoTexts(id);
    }

    @Test
    void an_exemption_is_recorded_instead_of_notices_and_nothing_is_mailed() throws Exception {
        seed();
        String id = record(clock.instant().minus(Duration.ofHours(1)), "", "\"profiling\"");
        JsonNode affected = api.get("/api/v1/breaches/" + id + "/affected", ADMIN_KEY).json();
        assertThat(affected.path("count").asInt()).isEqualTo(3);
        List<String> ids = new ArrayList<>();
        affected.path("subjectIds").forEach(n -> ids.add(n.asText()));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(profilingIds);

        Response bad = api.post("/api/v1/breaches/" + id + "/exemption", ADMIN_KEY, "{\"ground\": \"d\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("ground", "reason");
        Response exempt = api.post("/api/v1/breaches/" + id + "/exemption", ADMIN_KEY,
                "{\"ground\": \"a\", \"reason\": \"The profiling export was encrypted with a key that was not exposed.\"}");
        assertThat(exempt.status()).as(exempt.body()).isEqualTo(200);
        assertThat(exempt.json().path("subjectCommunication").path("decision").asText()).isEqualTo("exemption");
        assertThat(api.post("/api/v1/breaches/" + id + "/notices", ADMIN_KEY, "").status()).isEqualTo(409);
        Thread.sleep(400);
        assertThat(notices().stream().map(BreachRegisterTest::to).toList()).doesNotContainAnyElementsOf(profiling);
        assertThat(queuedNotices(id)).isZero();
        JsonNode log = api.get("/api/v1/sync-log?vendor=breach&requestId=" + id, COMPLIANCE_KEY).json();
        assertThat(log.path("entries").findValuesAsText("action")).containsExactly("breach_recorded",
                "exemption_recorded");
        assertThat(log.path("entries").findValuesAsText("outcome")).contains("art34_3_a");
        assertThat(api.get("/api/v1/breaches/" + id + "/report", ADMIN_KEY).json().path("subjectCommunication")
                .path("exemptionGround").asText()).isEqualTo("art34_3_a");
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
    }

    @Test
    void bad_input_names_the_field_and_only_admins_record() {
        seed();
        Response future = api.post("/api/v1/breaches", ADMIN_KEY,
                body(clock.instant().plus(Duration.ofHours(1)).toString(), "\"nosuchvendor\"", "\"nosuchpurpose\""));
        assertThat(future.status()).isEqualTo(400);
        assertThat(future.contentType()).startsWith("application/problem+json");
        assertThat(future.json().path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("awareAt",
                "connectors[0]", "purposes[0]");
        Response missing = api.post("/api/v1/breaches", ADMIN_KEY, "{\"awareAt\": \"yesterday\", \"colour\": 1}");
        assertThat(missing.json().path("errors").findValuesAsText("field")).contains("awareAt", "colour", "nature",
                "subjectCategories", "recordCategories", "consequences", "measures", "contact");
        assertThat(api.post("/api/v1/breaches", COMPLIANCE_KEY, body(clock.instant().toString(), "", "")).status())
                .isEqualTo(403);
        assertThat(api.get("/api/v1/breaches", MARKETER_KEY).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/breaches", COMPLIANCE_KEY).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/breaches/00000000-0000-4000-8000-000000000000", COMPLIANCE_KEY).status())
                .isEqualTo(404);
    }

    @Test
    void the_console_lists_breaches_and_an_admin_records_notifies_and_chooses_on_their_pages() throws Exception {
        seed();
        String id = record(clock.instant().minus(Duration.ofHours(80)), "\"mailchimp\"", "");
        Console admin = Console.signIn(port, ADMIN_KEY);
        HttpResponse<String> list = admin.get("/console/breaches");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("/console/breaches/" + id).contains("h overdue").contains("record-breach");
        HttpResponse<String> page = admin.get("/console/breaches/" + id);
        // The count the API gives (test order decides who else Mailchimp held when this breach was recorded).
        int affected = api.get("/api/v1/breaches/" + id + "/affected", ADMIN_KEY).json().path("count").asInt();
        assertThat(affected).isGreaterThanOrEqualTo(4);
        assertThat(page.body()).contains("<dd id=\"affected\">" + affected + "</dd>").contains("&lt;b&gt;for two days");
        assertThat(admin.post("/console/breaches/" + id + "/authority", "notifiedAt="
                + clock.instant().toString().replace("Z", "").substring(0, 16)).body()).contains("delay");
        HttpResponse<String> done = admin.post("/console/breaches/" + id + "/authority", "notifiedAt="
                + clock.instant().toString().replace("Z", "").substring(0, 16) + "&reference=ICO-1&delayReason=late");
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(api.get("/api/v1/breaches/" + id, ADMIN_KEY).json().path("clock").path("notifiedLate").asBoolean())
                .isTrue();
        assertThat(admin.post("/console/breaches/" + id + "/exemption", "ground=b&reason=keys+rotated").statusCode())
                .isEqualTo(303);
        assertThat(admin.get("/console/breaches/" + id + "/report").body()).contains("Art. 34(3)(b)");
        // The console reads the form as the API reads JSON: a blank text or a contact over 1,000 characters is refused.
        String form = "awareAt=" + clock.instant().minus(Duration.ofHours(3)).toString().substring(0, 16)
                + "&nature=Laptop+stolen&subjectCategories=customers&recordCategories=names&consequences=unlikely"
                + "&measures=disk+encrypted&purpose.profiling=on";
        assertThat(admin.post("/console/breaches/new", form.replace("nature=Laptop+stolen", "nature=+++")
                + "&contact=DPO").statusCode()).isEqualTo(400);
        assertThat(admin.post("/console/breaches/new", form + "&contact=" + "D".repeat(1001)).statusCode())
                .isEqualTo(400);
        HttpResponse<String> recorded = admin.post("/console/breaches/new", "awareAt="
                + clock.instant().minus(Duration.ofHours(3)).toString().substring(0, 16) + "&nature=Laptop+stolen"
                + "&subjectCategories=customers&recordCategories=names&consequences=unlikely&measures=disk+encrypted"
                + "&contact=DPO&purpose.profiling=on");
        assertThat(recorded.statusCode()).isEqualTo(303);
        assertThat(recorded.headers().firstValue("Location").orElseThrow()).startsWith("/console/breaches/");
        Console compliance = Console.signIn(port, COMPLIANCE_KEY);
        assertThat(compliance.get("/console/breaches").body()).doesNotContain("record-breach");
        assertThat(compliance.post("/console/breaches/" + id + "/notices", "").statusCode()).isEqualTo(403);
    }

    // --- helpers ----------------------------------------------------------------------------------------------------

    <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    /** Runs {@code pass} on four threads at once and waits for all of them. */
    static void inParallel(Runnable pass) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(pass));
            }
            for (java.util.concurrent.Future<?> run : runs) {
                run.get(20, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    List<MimeMessage> reminders(String id) {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> to(m).equals(DPO) && subject(m).contains(id))
                .toList();
    }

    List<MimeMessage> notices() {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> subject(m).equals(NOTICE_SUBJECT)).toList();
    }

    static String to(MimeMessage m) {
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

    /** The breach_notice entries of the breach's chain by time of append: one transaction per batch. */
    java.util.Collection<Long> batches(String id) {
        JsonNode log = api.get("/api/v1/sync-log?vendor=breach&requestId=" + id + "&limit=1000", COMPLIANCE_KEY).json();
        java.util.Map<String, Long> perAppend = new java.util.TreeMap<>();
        for (JsonNode e : log.path("entries")) {
            if (e.path("action").asText().equals("breach_notice")) {
                perAppend.merge(e.path("at").asText(), 1L, Long::sum);
            }
        }
        return perAppend.values();
    }

    long queuedNotices(String id) throws Exception {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "select count(*) from mail_outbox where kind = 'breach-notice' and request_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    void assertChainHoldsNoTexts(String id) throws Exception {
        JsonNode log = api.get("/api/v1/sync-log?vendor=breach&requestId=" + id + "&limit=1000", COMPLIANCE_KEY).json();
        List<String> actions = log.path("entries").findValuesAsText("action");
        assertThat(actions).contains("breach_recorded", "dpo_reminder", "authority_notified", "breach_updated",
                "notices_requested", "breach_notice", "notices_finished");
        assertThat(actions.stream().filter("dpo_reminder"::equals)).hasSize(2);
        assertThat(actions.stream().filter("breach_notice"::equals)).hasSize(4);
        String text = log.toString();
        assertThat(text).doesNotContain("readable by anyone").doesNotContain("phishing").doesNotContain("ICO-2026")
                .doesNotContain("third day");
        for (String address : held) {
            assertThat(text).doesNotContainIgnoringCase(address);
        }
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "select sealed from breach where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .doesNotContain("readable").doesNotContain("phishing");
            }
        }
    }

    /** A console session over plain HTTP: the cookie and the CSRF token of its pages. */
    record Console(int port, String cookie, String csrf) {

        static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

        static Console signIn(int port, String key) throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + port + "/console/sign-in"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Origin", "http://localhost:" + port)
                    .POST(HttpRequest.BodyPublishers.ofString("apiKey=" + java.net.URLEncoder.encode(key, "UTF-8")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(303);
            String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
            Console session = new Console(port, cookie, null);
            Matcher m = CSRF.matcher(session.get("/console/breaches").body());
            assertThat(m.find()).isTrue();
            return new Console(port, cookie, m.group(1));
        }

        HttpResponse<String> get(String path) throws Exception {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String form) throws Exception {
            String body = "csrf=" + java.net.URLEncoder.encode(csrf, "UTF-8") + (form.isEmpty() ? "" : "&" + form);
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Origin", "http://localhost:" + port)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
