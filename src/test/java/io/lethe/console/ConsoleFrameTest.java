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
        JsonNode file = new YAMLMapper().readTree(Path.of("routes/console.camel.yaml").toFile());
        List<String> ids = new ArrayList<>();
        for (JsonNode item : file) {
            JsonNode route = item.get("route");
            if (route == null) {
                continue;
            }
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
            if (access == Access.ADMIN && method.equals("GET")) { // admin GETs only read (a download)
                assertThat(id).endsWith("-export");
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
        ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(30), 100, Clock.systemUTC(), nanos::get);
        ConsoleSession s = sessions.start(new Principal("ops", Role.COMPLIANCE));
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
    void the_csrf_token_must_match_exactly() {
        ConsoleSession s = new ConsoleSessions(Duration.ofMinutes(1), 10, Clock.systemUTC())
                .start(new Principal("admin", Role.ADMIN));
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
