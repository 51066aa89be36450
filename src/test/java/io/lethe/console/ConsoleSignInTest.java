package io.lethe.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.lethe.support.Browser;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's frame in a real browser: sign-in per role, refused keys, the session cookie, the headers. */
class ConsoleSignInTest extends HubTestSupport {

    Browser browser;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected java.util.Properties extraProperties() {
        java.util.Properties p = new java.util.Properties();
        // The tests act as a reverse proxy on loopback: X-Forwarded-For and -Proto from it are believed.
        p.put("lethe.trusted-proxies", "127.0.0.1,::1");
        p.put("lethe.api.rate-limit.failed-auth-per-minute", "5");
        return p;
    }

    @BeforeAll
    void openBrowser() {
        browser = Browser.open(port);
    }

    @AfterAll
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void signedOut() {
        browser.driver().manage().deleteAllCookies();
    }

    @Test
    void the_sign_in_form_takes_a_key_once_and_a_session_cookie_replaces_it() {
        browser.go("/console/");
        assertThat(browser.find("#apiKey").getAttribute("type")).isEqualTo("password");
        assertThat(browser.find("form.sign-in").getAttribute("method")).isEqualTo("post");
        browser.screenshot("sign-in");

        browser.signIn(COMPLIANCE_KEY);
        assertThat(browser.path()).isEqualTo("/console/overview");
        assertThat(browser.text()).contains("compliance");
        Cookie cookie = browser.sessionCookie();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/console");
        assertThat(cookie.getValue()).doesNotContain(COMPLIANCE_KEY).hasSize(43);

        browser.signOut();
        assertThat(browser.path()).isEqualTo("/console/");
        browser.go("/console/overview");
        assertThat(browser.path()).isEqualTo("/console/"); // the session ended with the sign-out
        assertThat(browser.find("#apiKey").isDisplayed()).isTrue();
    }

    @Test
    void admin_and_compliance_see_every_page_and_intake_has_no_console() {
        browser.signIn(ADMIN_KEY);
        assertThat(browser.path()).isEqualTo("/console/overview");
        assertThat(browser.all("header nav a")).extracting(e -> e.getText()).contains("Overview");
        browser.signOut();

        browser.signIn(INTAKE_KEY);
        assertThat(browser.text()).contains("The intake role has no console");
        assertThat(browser.sessionCookie()).isNull();
    }

    @Test
    void a_marketer_is_refused_the_review_pages() {
        browser.signIn(MARKETER_KEY);
        browser.go("/console/overview");
        assertThat(browser.text()).contains("The marketer role may not open this page");
        assertThat(browser.all("header nav a")).extracting(e -> e.getText()).doesNotContain("Overview");
    }

    @Test
    void a_wrong_key_is_refused_and_starts_no_session() {
        browser.signIn("not-a-key-" + "x".repeat(30));
        assertThat(browser.text()).contains("That key was not accepted");
        assertThat(browser.sessionCookie()).isNull();
        browser.go("/console/overview");
        assertThat(browser.path()).isEqualTo("/console/");
    }

    @Test
    void every_html_answer_carries_a_strict_policy_and_no_caching() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/console/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'none'", "frame-ancestors 'none'", "form-action 'self'")
                .doesNotContain("unsafe-inline").doesNotContain("script-src");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(page.body()).doesNotContain("<script").contains("/console/static/console.css");

        HttpResponse<String> css = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/console/static/console.css")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
    }

    @Test
    void the_cookie_is_secure_when_a_trusted_proxy_says_the_browser_came_over_https() throws Exception {
        HttpResponse<String> viaTls = signInRaw(COMPLIANCE_KEY, "203.0.113.20", "https");
        assertThat(viaTls.statusCode()).isEqualTo(303);
        assertThat(viaTls.headers().firstValue("Location")).contains("/console/overview");
        assertThat(viaTls.headers().firstValue("Set-Cookie").orElseThrow()).contains("HttpOnly", "SameSite=Strict",
                "Path=/console", "Secure").doesNotContain(COMPLIANCE_KEY);
        HttpResponse<String> plain = signInRaw(COMPLIANCE_KEY, "203.0.113.20", "http");
        assertThat(plain.headers().firstValue("Set-Cookie").orElseThrow()).doesNotContain("Secure");
    }

    @Test
    void wrong_keys_are_limited_per_client_address_like_the_apis() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(signInRaw("wrong-key-" + i, "203.0.113.30", "http").statusCode()).isEqualTo(401);
        }
        HttpResponse<String> limited = signInRaw(COMPLIANCE_KEY, "203.0.113.30", "http");
        assertThat(limited.statusCode()).isEqualTo(429); // even the right key, until tokens come back
        assertThat(limited.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(signInRaw(COMPLIANCE_KEY, "203.0.113.31", "http").statusCode()).isEqualTo(303);
    }

    @Test
    void revoking_a_key_ends_its_console_sessions() {
        String key = api.post("/api/v1/api-keys", ADMIN_KEY, "{\"name\":\"reviewer\",\"role\":\"compliance\"}").json()
                .path("key").asText();
        browser.signIn(key);
        assertThat(browser.path()).isEqualTo("/console/overview");
        assertThat(api.send("DELETE", "/api/v1/api-keys/reviewer", ADMIN_KEY, null, null).status()).isEqualTo(204);
        browser.go("/console/overview");
        assertThat(browser.path()).isEqualTo("/console/"); // signed out with its key
    }

    @Test
    void a_form_posted_from_another_site_is_refused() throws Exception {
        HttpResponse<String> crossSite = signInRaw(COMPLIANCE_KEY, "203.0.113.40", "http", "cross-site");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(signInRaw(COMPLIANCE_KEY, "203.0.113.40", "http", "same-origin").statusCode()).isEqualTo(303);
    }

    HttpResponse<String> signInRaw(String key, String forwardedFor, String proto) throws Exception {
        return signInRaw(key, forwardedFor, proto, "same-origin");
    }

    HttpResponse<String> signInRaw(String key, String forwardedFor, String proto, String site) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/console/sign-in")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", forwardedFor).header("X-Forwarded-Proto", proto).header("Sec-Fetch-Site", site)
                .POST(HttpRequest.BodyPublishers.ofString("apiKey=" + java.net.URLEncoder.encode(key, "UTF-8")))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
