package io.lethe.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.lethe.reconcile.ReconcileRuns;
import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;
import io.lethe.support.Addresses;
import io.lethe.support.Browser;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The subject, connectors, reports and access-log pages in a real browser, against a hub with HubSpot's sandbox:
 * look-up by POST, the marketer's narrower view and refusals, the access log of every opening, the reports' CSV.
 */
class ConsoleReviewPagesTest extends HubTestSupport {

    Browser browser;
    VendorFakes fakes;
    final List<String> emails = Addresses.realistic(97, "console");
    final String email = emails.get(96); // 254 characters
    String subjectId;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "hubspot");
        p.put("lethe.api.rate-limit.lookups-per-minute", "12");
        p.put("lethe.trusted-proxies", "127.0.0.1/32,::1/128"); // the limit test comes "from" its own address
        return p;
    }

    @BeforeAll
    void openBrowser() {
        browser = Browser.open(port);
    }

    /** Once, when the hub runs (it starts before the first test, after the class's BeforeAll). */
    void seed() {
        fakes.hubspotContact(email);
        subjectId = consent(email, "granted", Instant.now().minus(Duration.ofDays(3)));
        consent(email, "withdrawn", Instant.now());
        assertThat(api.post("/api/v1/requests", ADMIN_KEY, "{\"type\":\"access\",\"regulation\":\"gdpr\","
                + "\"subject\":{\"email\":\"" + email + "\"}}").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/subjects/" + subjectId + "/vendors",
                COMPLIANCE_KEY).json().path("vendors").findValuesAsText("status").contains("done"));
    }

    @AfterAll
    void close() {
        if (browser != null) {
            browser.close();
        }
        fakes.close();
    }

    @BeforeEach
    void signedOut() {
        if (subjectId == null) {
            seed();
        }
        browser.driver().manage().deleteAllCookies();
    }

    String consent(String address, String status, Instant capturedAt) {
        var r = api.post("/api/v1/consents", ADMIN_KEY, "{\"subject\":{\"email\":\"" + address + "\"},"
                + "\"purpose\":\"email_marketing\",\"status\":\"" + status + "\",\"lawfulBasis\":\"consent\","
                + "\"source\":\"web-form\",\"capturedAt\":\"" + capturedAt.truncatedTo(ChronoUnit.SECONDS) + "\","
                + "\"evidence\":{\"noticeVersion\":\"2026-01\",\"ip\":\"203.0.113.7\",\"userAgent\":\"Firefox/140\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    void lookUp(String kind, String value) {
        browser.go("/console/subjects");
        browser.find("#kind option[value=" + kind + "]").click();
        browser.type("#value", value).click("#lookup button");
    }

    /** A request with this browser's session cookie (the CSV downloads, a forged POST). */
    HttpResponse<String> withSession(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.header("Cookie", "lethe_console="
                + browser.sessionCookie().getValue()).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
    }

    @Test
    void compliance_looks_a_subject_up_by_post_and_opening_its_file_needs_a_reason_that_the_access_log_keeps() {
        browser.signIn(COMPLIANCE_KEY);
        lookUp("email", email.toUpperCase());
        assertThat(browser.path()).isEqualTo("/console/subjects/lookup");
        assertThat(browser.find("#subject-id").getText()).isEqualTo(subjectId);
        assertThat(browser.find("#current-consent").getText()).contains("email_marketing", "withdrawn");
        browser.screenshot("subject-lookup");

        browser.type("#reason", "   ").click("#open button"); // blank: refused, nothing opened
        assertThat(browser.find("#reason-error").getText()).contains("reason is required");
        assertThat(browser.all("#opened")).isEmpty();

        browser.type("#reason", "Art. 15 request, checking the consent trail").click("#open button");
        assertThat(browser.find("#history").getText()).contains("granted", "withdrawn", "203.0.113.7", "Firefox/140",
                "2026-01");
        assertThat(browser.find("#vendors").getText()).contains("hubspot", "export", "done"); // the access request's
        assertThat(browser.find("#requests").getText()).contains("access", "gdpr");
        assertThat(browser.text()).doesNotContain(email);
        browser.screenshot("subject-file");

        lookUp("externalId", "nobody-has-this-id");
        assertThat(browser.find("#lookup-error").getText()).contains("No subject has that external id");

        browser.go("/console/access-log");
        assertThat(browser.find("#access-log tbody tr").getText())
                .contains("compliance", subjectId, "Art. 15 request, checking the consent trail");
        assertThat(browser.all("#access-log tbody tr")).hasSize(1); // the refused blank reason wrote nothing
        browser.screenshot("access-log");
        assertThat(browser.visited()).noneMatch(url -> url.contains("@") || url.toLowerCase().contains("annemarie")
                || url.contains("%40"));
    }

    @Test
    void a_marketer_sees_current_consent_only_and_is_refused_the_rest() throws Exception {
        browser.signIn(MARKETER_KEY);
        assertThat(browser.all("header nav a")).extracting(e -> e.getText()).containsExactly("Subjects");
        lookUp("email", email);
        assertThat(browser.find("#current-consent").getText()).contains("email_marketing", "withdrawn");
        assertThat(browser.all("#open")).isEmpty();
        assertThat(browser.find("#marketer-note").getText()).contains("current consent only");
        browser.screenshot("subject-marketer");

        String csrf = browser.find("form.sign-out input[name=csrf]").getAttribute("value");
        HttpResponse<String> forged = withSession(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/console/subjects/" + subjectId + "/open")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf + "&reason=just+curious+about+her")));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).doesNotContain("203.0.113.7");
        // look-ups spend the API's budget: guessing addresses is as slow here as through POST /subjects/lookup
        int status = 0;
        for (int i = 0; i < 13 && status != 429; i++) {
            status = withSession(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/console/subjects/lookup"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("X-Forwarded-For", "198.51.100.7")
                    .POST(HttpRequest.BodyPublishers
                            .ofString("csrf=" + csrf + "&kind=email&value=guess" + i + "%40example.com"))).statusCode();
        }
        assertThat(status).isEqualTo(429);
        for (String page : List.of("/console/connectors", "/console/reports", "/console/access-log",
                "/console/reports/csv/data-map")) {
            assertThat(withSession(get(page)).statusCode()).as(page).isEqualTo(403);
        }
        browser.signOut();
        browser.signIn(COMPLIANCE_KEY);
        browser.go("/console/access-log");
        assertThat(browser.text()).doesNotContain("just curious");
    }

    @Test
    void the_reports_show_the_data_map_and_the_risks_and_their_csv_holds_the_same_rows_neutralised() throws Exception {
        ConsentRegister register = context.getRegistry().lookupByNameAndType("consentRegister", ConsentRegister.class);
        String unconsented = register.resolveSubject(Map.of(IdentityKind.EMAIL, emails.get(3))).orElseThrow();
        register.flagUnconsented(unconsented, "=HYPERLINK(\"http://evil.example\",\"x\")");
        String stale = consent(emails.get(4), "granted", Instant.parse("2023-05-02T08:00:00Z"));

        browser.signIn(COMPLIANCE_KEY);
        browser.go("/console/reports");
        assertThat(browser.find("#data-map").getText()).contains("HubSpot", "contact details", "email_marketing",
                "Klaviyo", "a.klaviyo.com");
        assertThat(browser.find("#risk-no-consent").getText()).contains(unconsented);
        assertThat(browser.find("#risk-stale-consent").getText()).contains(stale, "2023-05-02T08:00:00Z");
        assertThat(browser.text()).doesNotContain(emails.get(3)).doesNotContain(emails.get(4));
        browser.screenshot("reports");

        HttpResponse<String> map = withSession(get(browser.find("#csv-data-map").getAttribute("href")
                .replaceFirst("^https?://[^/]+", "")));
        assertThat(map.statusCode()).isEqualTo(200);
        assertThat(map.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(map.headers().firstValue("Content-Disposition").orElseThrow()).contains("lethe-data-map.csv");
        List<String> lines = map.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo("vendor,id,enabled,category,dataCategories,dataSubjects,purposes,identity,"
                + "destination,region,transfers");
        assertThat(lines).hasSize(1 + 13);
        assertThat(lines.get(1)).startsWith("HubSpot,hubspot,yes,CRM,");

        HttpResponse<String> noConsent = withSession(get("/console/reports/csv/no-consent"));
        assertThat(noConsent.body().lines().toList().get(0)).isEqualTo("subjectId,since,firstSeenIn");
        assertThat(noConsent.body()).contains(unconsented + ",")
                .contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"")
                .doesNotContain(",=HYPERLINK").doesNotContain("@");
        HttpResponse<String> staleCsv = withSession(get("/console/reports/csv/stale-consent"));
        assertThat(staleCsv.body()).contains(stale + ",email_marketing,2023-05-02T08:00:00Z,consent\r\n");
        assertThat(withSession(get("/console/reports/csv/no-such-report")).statusCode()).isEqualTo(404);

        browser.click("#risk-stale-consent a[href='/console/subjects/" + stale + "']"); // opaque id: a GET link
        assertThat(browser.find("#subject-id").getText()).isEqualTo(stale);
        assertThat(browser.find("#current-consent").getText()).contains("granted");
        assertThat(browser.all("#open")).hasSize(1);
    }

    @Test
    void the_connectors_page_says_each_declaration_in_plain_words_with_runs_and_the_backlog_chart() {
        ReconcileRuns runs = context.getRegistry().lookupByNameAndType("reconcileRuns", ReconcileRuns.class);
        String runId = runs.start("hubspot", true).orElseThrow();
        runs.progress(runId, 250, Map.of("optout_repair", 4L, "unknown_contact", 2L),
                List.of(new ReconcileRuns.Action("optout_repair", subjectId, "opt_out", "would_send")), 0);
        runs.finish(runId, "completed", null);
        // HubSpot down: an opt-out waits in the backlog, which the chart's last point shows
        fakes.hubspotAlways(VendorFakes.HUBSPOT_OPT_OUT, io.lethe.demo.sandbox.SandboxResponse.json(503,
                "{\"status\":\"error\",\"message\":\"Service Unavailable\"}"));
        consent(emails.get(5), "withdrawn", Instant.now());
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/connectors", COMPLIANCE_KEY).json()
                .findValues("pending").stream().anyMatch(n -> n.asLong() > 0));

        browser.signIn(ADMIN_KEY);
        browser.go("/console/connectors");
        String hubspot = browser.find("#connector-hubspot").getText();
        assertThat(hubspot).contains("enabled", "CRM", "finds a person by e-mail address", "contact details",
                "email_marketing: a withdrawal opts the person out (optOut)", "100 requests per 10 s",
                "opt-ins are never pushed");
        assertThat(browser.find("#connector-hubspot table.runs").getText()).contains("dry run", "completed", "250", "4");
        assertThat(browser.find("#connector-klaviyo").getText()).contains("not enabled");
        assertThat(browser.all("#backlog-chart polyline.backlog-line")).isNotEmpty();
        assertThat(browser.find("#backlog-chart").getText()).contains("hubspot (1)");
        browser.find("#connector-hubspot details summary").click(); // the operations, opened for the screenshot
        browser.screenshot("connectors");
    }
}
