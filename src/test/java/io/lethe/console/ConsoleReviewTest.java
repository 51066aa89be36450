package io.lethe.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import io.lethe.audit.AuditKey;
import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.support.Addresses;
import io.lethe.support.Browser;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The compliance reviews in a real browser, against a hub whose HubSpot is the demo's sandbox: an erasure followed to
 * completion, the sync log filtered, exported and its chain broken, a request extended and cancelled, and the
 * refusals (roles, CSRF). Every page is saved under target/console-screenshots/. No address the browser visited holds
 * personal data.
 */
class ConsoleReviewTest extends HubTestSupport {

    static final List<String> PEOPLE = Addresses.realistic(4, "console");
    VendorFakes fakes;
    Browser browser;
    final HttpClient http = HttpClient.newHttpClient();

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "hubspot");
        return p;
    }

    @BeforeAll
    void openBrowser() {
        browser = Browser.open(port);
    }

    @AfterAll
    void close() {
        try {
            if (browser != null) {
                for (String url : browser.visited()) { // nothing personal in any address the browser was on
                    assertThat(url).doesNotContain("@").doesNotContain("%40");
                    PEOPLE.forEach(a -> assertThat(url).doesNotContainIgnoringCase(a.substring(0, a.indexOf('@'))));
                }
                browser.close();
            }
        } finally {
            fakes.close();
        }
    }

    @BeforeEach
    void signedOut() {
        browser.driver().manage().deleteAllCookies();
    }

    String consentFor(String email) {
        return api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "granted",
                 "evidence": {"ip": "198.51.100.4", "noticeVersion": "v1"}}""".formatted(email)).json()
                .path("subjectId").asText();
    }

    String file(String key, String type, String email) {
        var filed = api.post("/api/v1/requests", key, """
                {"type": "%s", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(type, email));
        assertThat(filed.status()).isEqualTo(202);
        return filed.json().path("requestId").asText();
    }

    @Test
    void an_erasure_is_followed_to_completion_from_the_request_list() {
        String email = PEOPLE.get(0);
        consentFor(email);
        fakes.hubspotContact(email);
        String id = file(ADMIN_KEY, "erasure", email);

        browser.signIn(COMPLIANCE_KEY);
        browser.go("/console/requests");
        browser.click("tr[data-request='" + id + "'] a");
        assertThat(browser.path()).isEqualTo("/console/requests/" + id);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            browser.go("/console/requests/" + id);
            assertThat(browser.find("#status").getText()).isEqualTo("completed");
        });
        assertThat(browser.find("tr[data-vendor='hubspot']").getText()).contains("verified");
        assertThat(browser.find("#timeline").getText()).contains("Received", "hubspot: erase");
        assertThat(browser.all("#admin-actions")).isEmpty(); // compliance reviews, it does not act
        assertThat(browser.text()).doesNotContain(email);
        browser.screenshot("request");

        browser.go("/console/requests");
        assertThat(browser.find("tr[data-request='" + id + "']").getText()).contains("erasure", "gdpr", "completed");
        assertThat(browser.all("#weekly-chart rect")).isNotEmpty();
        browser.screenshot("requests");

    }

    @Test
    void the_overview_shows_health_reconciliation_drift_and_commands_needing_action() {
        fakes.hubspotAlways(VendorFakes.HUBSPOT_OPT_OUT, SandboxResponse.json(401, "{\"status\":\"error\",\"message\":"
                + "\"Authentication credentials not found.\",\"category\":\"INVALID_AUTHENTICATION\"}"));
        try {
            String email = PEOPLE.get(3).replace("@", "+refused@");
            fakes.hubspotContact(email);
            String subjectId = api.post("/api/v1/consents", ADMIN_KEY, """
                    {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn"}"""
                    .formatted(email)).json().path("subjectId").asText();
            String runId = api.post("/api/v1/connectors/hubspot/reconcile?dryRun=true", ADMIN_KEY, "{}").json()
                    .path("runId").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> !api.get("/api/v1/reconcile-runs/" + runId,
                    COMPLIANCE_KEY).json().path("status").asText().equals("running"));

            browser.signIn(COMPLIANCE_KEY);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                browser.go("/console/overview");
                assertThat(browser.find("#needs-action").getText()).contains("hubspot", subjectId.substring(0, 8));
            });
            assertThat(browser.find("#action-count .stat").getText()).isNotEqualTo("0");
            WebElement hubspot = browser.find("tr[data-connector='hubspot']");
            assertThat(hubspot.getText()).contains("HubSpot", "up", "(dry run)");
            assertThat(browser.find("#chain").getText()).contains("verified");
            assertThat(browser.text()).doesNotContain(email);
            browser.screenshot("overview");
        } finally {
            fakes.reset();
        }
    }

    @Test
    void an_admin_sends_a_refused_command_again_once_its_cause_is_fixed_and_starts_a_reconciliation() {
        fakes.hubspotAlways(VendorFakes.HUBSPOT_OPT_OUT, SandboxResponse.json(401, "{\"status\":\"error\",\"message\":"
                + "\"Authentication credentials not found.\",\"category\":\"INVALID_AUTHENTICATION\"}"));
        String email = PEOPLE.get(2).replace("@", "+resend@");
        fakes.hubspotContact(email);
        String subjectId = api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn"}"""
                .formatted(email)).json().path("subjectId").asText();
        browser.signIn(COMPLIANCE_KEY);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            browser.go("/console/overview");
            assertThat(browser.find("#needs-action").getText()).contains(subjectId.substring(0, 8));
        });
        assertThat(browser.all("form.resend")).isEmpty(); // compliance reviews, only an admin acts
        browser.signOut();

        fakes.reset(); // the operator fixed the token
        int before = fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_OPT_OUT).size();
        browser.signIn(ADMIN_KEY);
        browser.go("/console/overview");
        browser.click("#needs-action form.resend button");
        assertThat(browser.path()).startsWith("/console/overview");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_OPT_OUT).size() > before);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.get(
                "/api/v1/sync-log?vendor=hubspot&subjectId=" + subjectId, COMPLIANCE_KEY).json().path("entries")
                .findValuesAsText("outcome")).contains("resent", "delivered"));
        browser.go("/console/overview");
        assertThat(browser.find("#needs-action").getText()).doesNotContain(subjectId.substring(0, 8));

        browser.go("/console/connectors");
        browser.click("#connector-hubspot form.reconcile button"); // a dry run, the form's default
        assertThat(browser.path()).startsWith("/console/connectors?run=");
        String runId = browser.path().substring(browser.path().indexOf("run=") + 4);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/reconcile-runs/" + runId,
                COMPLIANCE_KEY).json().path("dryRun").asBoolean());
    }

    @Test
    void the_sync_log_filters_and_exports_exactly_the_filtered_rows_with_formulas_neutralised() throws Exception {
        String email = PEOPLE.get(1);
        String subjectId = consentFor(email);
        String requestId = file(ADMIN_KEY, "erasure", email);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/requests/" + requestId, COMPLIANCE_KEY)
                .json().path("status").asText().equals("completed"));
        // A vendor's detail that a spreadsheet would run as a formula.
        syncLog().append(List.of(SyncEntry.of("hubspot", subjectId, requestId, "erase", "delivered", 200, 1,
                "=HYPERLINK(\"http://evil.example\",\"x\")"), SyncEntry.of("hubspot", subjectId, requestId, "note",
                "-1", null, null, "@SUM(A1)")));

        browser.signIn(COMPLIANCE_KEY);
        browser.go("/console/sync-log");
        browser.type("input[name=requestId]", requestId);
        browser.click("form.filters button[type=submit]");
        assertThat(browser.path()).startsWith("/console/sync-log?").contains("requestId=" + requestId)
                .doesNotContain("@");
        List<WebElement> rows = browser.all("#entries tbody tr[data-seq]");
        assertThat(rows).isNotEmpty();
        List<String> seqs = new ArrayList<>();
        for (WebElement row : rows) {
            seqs.add(row.getAttribute("data-seq"));
        }
        browser.screenshot("sync-log");

        String exportHref = browser.find("#export").getAttribute("href");
        HttpResponse<String> csv = get(exportHref);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow()).contains("attachment");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("seq,at,vendor,subjectId,requestId,action,outcome");
        List<String> exported = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            exported.add(lines[i].substring(0, lines[i].indexOf(',')));
            assertThat(lines[i]).contains(requestId);
        }
        assertThat(exported).isEqualTo(seqs);
        assertThat(csv.body()).contains(",'-1,").contains("'@SUM(A1)").contains("\"'=HYPERLINK(").doesNotContain(email);

        // Filtering by action narrows both the page and the export.
        browser.go("/console/sync-log?requestId=" + requestId + "&action=note");
        assertThat(browser.all("#entries tbody tr[data-seq]")).hasSize(1);
        assertThat(get(browser.find("#export").getAttribute("href")).body().split("\r\n")).hasSize(2);
    }

    @Test
    void a_broken_chain_row_is_flagged_with_its_seq() throws Exception {
        String subjectId = consentFor(PEOPLE.get(2));
        syncLog().append(List.of(SyncEntry.of("hubspot", subjectId, null, "opt_out", "delivered", 200, 1, null)));
        long seq;
        String detail;
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "select seq, detail from sync_log where subject_id = ? order by seq desc limit 1")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
                detail = rs.getString(2);
            }
        }
        setDetail(seq, "edited afterwards");
        try {
            browser.signIn(COMPLIANCE_KEY);
            browser.go("/console/sync-log");
            assertThat(browser.find("#chain").getText()).contains("does not verify").contains("seq " + seq);
            browser.click("#chain a");
            WebElement flagged = browser.find("#entries tr.broken");
            assertThat(flagged.getAttribute("data-seq")).isEqualTo(String.valueOf(seq));
            browser.screenshot("sync-log-broken");
            browser.go("/console/overview");
            assertThat(browser.find("#chain").getText()).contains("Broken", String.valueOf(seq));
        } finally {
            setDetail(seq, detail);
        }
    }

    @Test
    void an_admin_extends_and_cancels_requests_and_lesser_roles_and_bad_tokens_are_refused() throws Exception {
        // Filed by intake: the request waits for the person's confirmation, so it stays open.
        String id = file(INTAKE_KEY, "erasure", PEOPLE.get(3));
        String dueBefore = api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json().path("dueAt").asText();

        // Compliance and marketer sessions, with their own valid tokens, may not act.
        browser.signIn(COMPLIANCE_KEY);
        browser.go("/console/requests/" + id);
        assertThat(browser.all("#extend")).isEmpty();
        assertThat(post("/console/requests/" + id + "/extend", csrf(), "reason=x&months=1").statusCode()).isEqualTo(403);
        assertThat(post("/console/requests/" + id + "/cancel", csrf(), "").statusCode()).isEqualTo(403);
        browser.signOut();
        browser.signIn(MARKETER_KEY);
        browser.go("/console/requests/" + id);
        assertThat(browser.text()).contains("may not open this page");
        assertThat(post("/console/requests/" + id + "/extend", csrf(), "reason=x").statusCode()).isEqualTo(403);
        browser.signOut();

        // An admin without the token, or with a wrong one, is refused too.
        browser.signIn(ADMIN_KEY);
        browser.go("/console/requests/" + id);
        String token = csrf();
        assertThat(post("/console/requests/" + id + "/extend", null, "reason=no+token").statusCode()).isEqualTo(403);
        assertThat(post("/console/requests/" + id + "/extend", token.substring(1) + "A", "reason=wrong")
                .statusCode()).isEqualTo(403);
        assertThat(api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json().path("extended").asBoolean()).isFalse();
        // Nothing changes on GET.
        assertThat(get("http://localhost:" + port + "/console/requests/" + id + "/extend").statusCode())
                .isNotEqualTo(200);

        browser.screenshot("request-admin");
        browser.type("#extend textarea[name=reason]", "The vendors need more time to search their archives.");
        browser.find("#extend select[name=months] option[value='1']").click();
        browser.click("#extend button");
        assertThat(browser.path()).isEqualTo("/console/requests/" + id + "?done=extended");
        assertThat(browser.find(".notice").getText()).contains("extended");
        assertThat(browser.text()).contains("The vendors need more time");
        assertThat(browser.all("#extend")).isEmpty(); // once per request
        var extended = api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
        assertThat(extended.path("extended").asBoolean()).isTrue();
        assertThat(extended.path("dueAt").asText()).isNotEqualTo(dueBefore);

        browser.click("#cancel button");
        assertThat(browser.find("#status").getText()).isEqualTo("cancelled");
        assertThat(api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json().path("status").asText())
                .isEqualTo("cancelled");
        // A reload of the answer is a GET of the page: it repeats nothing.
        browser.driver().navigate().refresh();
        assertThat(browser.find("#status").getText()).isEqualTo("cancelled");
    }

    @Test
    void an_admin_downloads_the_access_package_and_compliance_may_not() throws Exception {
        String email = PEOPLE.get(2).replace("@", "+access@");
        consentFor(email);
        fakes.hubspotContact(email);
        String id = file(ADMIN_KEY, "access", email);
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json()
                .path("status").asText().equals("completed"));

        browser.signIn(COMPLIANCE_KEY);
        browser.go("/console/requests/" + id);
        assertThat(browser.all("#export")).isEmpty();
        assertThat(get("http://localhost:" + port + "/console/requests/" + id + "/export").statusCode()).isEqualTo(403);
        browser.signOut();

        browser.signIn(ADMIN_KEY);
        browser.go("/console/requests/" + id);
        HttpResponse<String> export = get(browser.find("#export").getAttribute("href"));
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(export.headers().firstValue("Content-Disposition").orElseThrow()).contains("attachment");
        assertThat(export.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(export.body()).contains(id, "hubspot");
        assertThat(context.getRegistry().lookupByNameAndType("personalDataAccessLog",
                io.lethe.review.PersonalDataAccessLog.class).page(null, null, 50))
                .anySatisfy(e -> assertThat(e.reason()).contains(id, "console"));
    }

    /** The CSRF token of the current page's forms (every page has the sign-out form). */
    String csrf() {
        return browser.find("form.sign-out input[name=csrf]").getAttribute("value");
    }

    HttpResponse<String> post(String path, String csrf, String form) throws Exception {
        String body = (csrf == null ? "" : "csrf=" + java.net.URLEncoder.encode(csrf, "UTF-8") + "&") + form;
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Cookie", "lethe_console=" + browser.sessionCookie().getValue())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Cookie", "lethe_console=" + browser.sessionCookie().getValue()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    DataSource dataSource() {
        return context.getRegistry().lookupByNameAndType("registerDataSource", DataSource.class);
    }

    SyncLog syncLog() throws Exception {
        return new SyncLog(dataSource(), Clock.systemUTC(), AuditKey.load(null, dataDir));
    }

    void setDetail(long seq, String detail) throws Exception {
        try (Connection c = dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "update sync_log set detail = ? where seq = ?")) {
            ps.setString(1, detail);
            ps.setLong(2, seq);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
