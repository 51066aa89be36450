package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SpecCheckedCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.lethe.support.MutableClock;
import io.lethe.support.SandboxCalls.Answer;
import io.lethe.support.spec.SpecRouter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Intercom fake refuses what Intercom refuses, and what it accepts passes Intercom's own 2.14 OpenAPI file. */
class IntercomBehaviourTest {

    static final String[] OK = {"Authorization", "Bearer ic_test", "Intercom-Version", "2.14",
        "Content-Type", "application/json", "Accept", "application/json"};
    static final SpecRouter SPEC = SpecRouter.intercom();
    static final String LONGEST = io.lethe.support.Addresses.realistic(97, "ic").get(96);

    MutableClock clock = new MutableClock();
    IntercomBehaviour intercom = new IntercomBehaviour("ic_test", "37846", clock);
    SandboxServer server = SandboxServer.start(intercom);
    SpecCheckedCalls calls = new SpecCheckedCalls(server, SPEC);

    @AfterEach
    void stop() {
        server.close();
    }

    static String search(String email) {
        return json(Map.of("query", Map.of("field", "email", "operator", "=", "value", email),
                "pagination", Map.of("per_page", 150)));
    }

    @Test
    void a_contact_found_by_email_is_opted_out_of_the_marketing_type_then_deleted_and_no_longer_found() {
        intercom.seed(LONGEST, "u-1");
        intercom.seed(LONGEST, null); // a lead with the same address
        Answer found = calls.ok("POST", "/contacts/search", search(LONGEST.toUpperCase()), OK);
        assertThat(found.json().path("data")).hasSize(2);
        String id = found.json().path("data").get(0).path("id").asText();

        calls.ok("POST", "/contacts/" + id + "/subscriptions", json(Map.of("id", "37846", "consent_type", "opt_out")), OK);
        assertThat(intercom.optedOut(LONGEST, "37846")).isTrue();
        assertThat(calls.send("POST", "/contacts/" + id + "/subscriptions",
                json(Map.of("id", "37846", "consent_type", "opt_in")), OK).status()).isEqualTo(400);
        assertThat(calls.send("POST", "/contacts/" + id + "/subscriptions",
                json(Map.of("id", "99999", "consent_type", "opt_out")), OK).status()).isEqualTo(404);
        assertThat(calls.send("POST", "/contacts/" + id + "/subscriptions",
                "{\"id\":37846,\"consent_type\":\"opt_out\"}", OK).status()).isEqualTo(400);

        assertThat(calls.ok("DELETE", "/contacts/" + id, null, OK).json().path("deleted").asBoolean()).isTrue();
        assertThat(calls.send("DELETE", "/contacts/" + id, null, OK).status()).isEqualTo(404);
        assertThat(calls.ok("POST", "/contacts/search", search(LONGEST), OK).json().path("data")).hasSize(1);
    }

    @Test
    void refuses_a_missing_token_an_unknown_version_and_a_search_without_query() {
        assertThat(calls.send("POST", "/contacts/search", search("a@example.com"), "Content-Type", "application/json")
                .status()).isEqualTo(401);
        assertThat(calls.send("POST", "/contacts/search", search("a@example.com"), "Authorization", "Bearer ic_test",
                "Intercom-Version", "9.9", "Content-Type", "application/json").status()).isEqualTo(400);
        assertThat(calls.send("POST", "/contacts/search", search("a@example.com"), "Authorization", "Bearer ic_test",
                "Content-Type", "text/plain").status()).isEqualTo(415);
        assertThat(calls.send("POST", "/contacts/search", "{\"pagination\":{\"per_page\":10}}", OK).status()).isEqualTo(400);
        assertThat(calls.send("POST", "/contacts/search", json(Map.of("query", Map.of("field", "email", "operator", "=",
                "value", "a@example.com"), "pagination", Map.of("per_page", 151))), OK).status()).isEqualTo(400);
    }

    @Test
    void a_contact_is_updated_by_id() {
        intercom.seed("hildegard.ic7@mail.example.org", null);
        String id = intercom.contacts("hildegard.ic7@mail.example.org").get(0).id;
        assertThat(calls.ok("PUT", "/contacts/" + id, json(Map.of("email", "hildegard.new@mail.example.org",
                "phone", "+441632960961")), OK).json().path("email").asText()).isEqualTo("hildegard.new@mail.example.org");
        assertThat(calls.send("PUT", "/contacts/unknown", json(Map.of("phone", "+441632960961")), OK).status())
                .isEqualTo(404);
    }

    @Test
    void allows_1666_calls_in_10_seconds_then_429_with_the_reset_epoch() {
        SandboxRequest r = new SandboxRequest("POST", "/contacts/search", null, Map.of("authorization",
                List.of("Bearer ic_test"), "content-type", List.of("application/json")),
                search("a@example.com").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 1666; i++) {
            assertThat(intercom.handle(r).status()).isEqualTo(200);
        }
        SandboxResponse limited = intercom.handle(r);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body()).contains("rate_limit_exceeded");
        assertThat(Long.parseLong(limited.headers().get("X-RateLimit-Reset"))).isEqualTo(clock.millis() / 1000 + 10);
        clock.advance(Duration.ofSeconds(10));
        assertThat(intercom.handle(r).status()).isEqualTo(200);
    }
}
