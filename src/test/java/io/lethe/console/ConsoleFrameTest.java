package io.lethe.console;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lethe.api.Principal;
import io.lethe.api.Role;
import io.lethe.api.TrustedProxies;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's frame without a browser: the route file's role map, sessions' idle end, the cookie. */
class ConsoleFrameTest {

    @Test
    void every_console_route_is_guarded_and_declares_who_may_open_it() throws Exception {
        // Every route file: features (breaches, evidence, ...) keep their console pages beside their API routes.
        List<JsonNode> routes = new ArrayList<>();
        try (var files = java.nio.file.Files.list(Path.of("routes"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                for (JsonNode item : new YAMLMapper().readTree(f.toFile())) {
                    JsonNode route = item.get("route");
                    if (route != null && route.path("from").path("uri").asText().startsWith("platform-http:/console")) {
                        routes.add(route);
                    }
                }
            }
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode route : routes) {
            String id = route.path("id").asText();
            ids.add(id);
            assertThat(route.path("routeConfigurationId").asText()).as(id).isEqualTo("console");
            Access access = Access.ofGroup(route.path("group").asText()).orElse(null);
            assertThat(access).as(id + " has a console group").isNotNull();
            JsonNode from = route.path("from");
            assertThat(from.path("uri").asText()).as(id).startsWith("platform-http:/console");
            String method = from.path("parameters").path("httpMethodRestrict").asText();
            assertThat(method).as(id + " restricts its method").isIn("GET", "POST");
            if (access == Access.OPEN) { // nothing but the sign-in form, its POST and the style sheet goes without a session
                assertThat(id).isIn("console-home", "console-home-slash", "console-sign-in", "console-static");
            }
            if (access == Access.ADMIN && method.equals("GET")) { // admin GETs only read: a download, or an admin's page
                assertThat(id).matches(".*-export|console-webhooks");
            }
        }
        assertThat(ids).doesNotHaveDuplicates().contains("console-overview", "console-sync-log", "console-requests");
        for (Nav.Entry e : Nav.ENTRIES) {
            assertThat(e.path()).startsWith("/console/");
        }
    }

    @Test
    void a_session_ends_after_its_idle_time_and_activity_keeps_it() {
        AtomicLong nanos = new AtomicLong();
        ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(30), Duration.ofHours(12), 100,
                Clock.systemUTC(), nanos::get);
        ConsoleSession s = sessions.start(new Principal("ops", Role.COMPLIANCE), new byte[32]);
        assertThat(s.id()).hasSize(43).isNotEqualTo(s.csrf());
        nanos.addAndGet(Duration.ofMinutes(29).toNanos());
        assertThat(sessions.find(s.id())).isPresent(); // read: active again
        nanos.addAndGet(Duration.ofMinutes(29).toNanos());
        assertThat(sessions.find(s.id())).isPresent();
        nanos.addAndGet(Duration.ofMinutes(31).toNanos());
        assertThat(sessions.find(s.id())).isEmpty();
        assertThat(sessions.find("x")).isEmpty();
    }

    @Test
    void a_busy_session_still_ends_its_lifetime_after_sign_in() {
        java.util.concurrent.atomic.AtomicReference<java.time.Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(java.time.Instant.parse("2026-12-01T08:00:00Z"));
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId zone) { return this; }
            public java.time.Instant instant() { return now.get(); }
        };
        AtomicLong nanos = new AtomicLong();
        ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(30), Duration.ofHours(12), 100, clock,
                nanos::get);
        ConsoleSession s = sessions.start(new Principal("ops", Role.COMPLIANCE), new byte[32]);
        for (int minutes = 0; minutes < 12 * 60 - 20; minutes += 20) { // a request every 20 minutes all day
            now.set(now.get().plus(Duration.ofMinutes(20)));
            nanos.addAndGet(Duration.ofMinutes(20).toNanos());
            assertThat(sessions.find(s.id())).as("after %d minutes", minutes + 20).isPresent();
        }
        now.set(now.get().plus(Duration.ofMinutes(20)));
        assertThat(sessions.find(s.id())).isEmpty();
    }

    @Test
    void a_form_must_come_from_the_hubs_own_origin_when_the_browser_names_one() {
        ConsoleHttp http = new ConsoleHttp(TrustedProxies.parse(""), "https://privacy.example.com");
        assertThat(http.sameOrigin(null, "localhost:8080")).isTrue();
        assertThat(http.sameOrigin("http://localhost:8080", "localhost:8080")).isTrue();
        assertThat(http.sameOrigin("https://privacy.example.com", "10.0.0.5:8080")).isTrue(); // behind the proxy
        assertThat(http.sameOrigin("https://evil.example", "localhost:8080")).isFalse();
        assertThat(http.sameOrigin("null", "localhost:8080")).isFalse();
        assertThat(http.sameOrigin("http://localhost:8081", "localhost:8080")).isFalse();
    }

    @Test
    void the_csrf_token_must_match_exactly() {
        ConsoleSession s = new ConsoleSessions(Duration.ofMinutes(1), Duration.ofHours(12), 10, Clock.systemUTC())
                .start(new Principal("admin", Role.ADMIN), new byte[32]);
        assertThat(s.csrfMatches(s.csrf())).isTrue();
        assertThat(s.csrfMatches(null)).isFalse();
        assertThat(s.csrfMatches("")).isFalse();
        assertThat(s.csrfMatches(s.csrf() + "x")).isFalse();
        assertThat(s.csrfMatches(s.csrf().substring(1))).isFalse();
    }

    @Test
    void the_cookie_is_http_only_strict_and_secure_when_the_hub_is_public_over_https() {
        ConsoleHttp plain = new ConsoleHttp(TrustedProxies.parse(""), "http://localhost:8080");
        assertThat(plain.cookie("abc", false)).isEqualTo("lethe_console=abc; Path=/console; HttpOnly; SameSite=Strict");
        assertThat(plain.cookie(null, true)).contains("Max-Age=0", "Secure");
        ConsoleHttp https = new ConsoleHttp(TrustedProxies.parse(""), "https://privacy.example.com");
        assertThat(https.overTls(new org.apache.camel.support.DefaultMessage(
                new org.apache.camel.impl.DefaultCamelContext()))).isTrue();
        assertThat(plain.overTls(new org.apache.camel.support.DefaultMessage(
                new org.apache.camel.impl.DefaultCamelContext()))).isFalse();
        assertThat(Set.of(Access.values())).allSatisfy(a -> assertThat(a.allows(Role.INTAKE)).isFalse());
    }
}
