package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SpecCheckedCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.lethe.support.Addresses;
import io.lethe.support.MutableClock;
import io.lethe.support.SandboxCalls.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Braze fake refuses what Braze refuses (Braze publishes no spec file; its docs are the reference). */
class BrazeBehaviourTest {

    static final String[] OK = {"Authorization", "Bearer braze-key", "Content-Type", "application/json"};

    MutableClock clock = new MutableClock();
    BrazeBehaviour braze = new BrazeBehaviour("braze-key", clock, null);
    SandboxServer server = SandboxServer.start(braze);
    SpecCheckedCalls calls = new SpecCheckedCalls(server, null);

    @AfterEach
    void stop() {
        server.close();
    }

    static String deleteBody(List<String> emails) {
        return json(Map.of("email_addresses", emails.stream().map(e -> (Object) Map.of("email", e,
                "prioritization", List.of("identified", "most_recently_updated"))).toList()));
    }

    @Test
    void unsubscribes_50_addresses_a_call_and_refuses_51_a_bad_state_and_a_wrong_key() {
        List<String> emails = Addresses.realistic(51, "bz");
        emails.forEach(e -> braze.seed(e, null));
        assertThat(calls.ok("POST", "/email/status", json(Map.of("email", emails.subList(0, 50),
                "subscription_state", "unsubscribed")), OK).status()).isEqualTo(201);
        assertThat(braze.emailSubscribe(emails.get(49))).isEqualTo("unsubscribed");
        assertThat(braze.emailSubscribe(emails.get(50))).isEqualTo("subscribed");

        assertThat(calls.send("POST", "/email/status", json(Map.of("email", emails, "subscription_state",
                "unsubscribed")), OK).status()).isEqualTo(400);
        assertThat(calls.send("POST", "/email/status", json(Map.of("email", emails.get(0), "subscription_state",
                "off")), OK).status()).isEqualTo(400);
        assertThat(calls.send("POST", "/email/status", json(Map.of("email", emails.get(0), "subscription_state",
                "unsubscribed")), "Authorization", "Bearer other", "Content-Type", "application/json").status())
                .isEqualTo(401);
        assertThat(calls.send("POST", "/email/status", "email=x", "Authorization", "Bearer braze-key",
                "Content-Type", "application/x-www-form-urlencoded").status()).isEqualTo(400);
    }

    @Test
    void an_address_unsubscribed_before_any_user_has_it_stays_unsubscribed() {
        calls.ok("POST", "/email/status", json(Map.of("email", "evangeline.late@example.com", "subscription_state",
                "unsubscribed")), OK);
        braze.seed("Evangeline.Late@example.com", "u-9");
        assertThat(braze.emailSubscribe("evangeline.late@example.com")).isEqualTo("unsubscribed");
    }

    @Test
    void deletion_by_50_addresses_is_queued_and_the_export_finds_the_users_until_it_has_run() {
        List<String> emails = Addresses.realistic(51, "bd");
        emails.forEach(e -> braze.seed(e, null));
        assertThat(calls.send("POST", "/users/delete", deleteBody(emails), OK).status()).isEqualTo(400);
        assertThat(calls.send("POST", "/users/delete", json(Map.of("email_addresses", List.of(Map.of("email",
                emails.get(0))))), OK).status()).isEqualTo(400);
        assertThat(calls.send("POST", "/users/delete", json(Map.of("external_ids", List.of("u1"), "email_addresses",
                List.of(Map.of("email", emails.get(0), "prioritization", List.of("identified"))))), OK).status())
                .isEqualTo(400);

        Answer deleted = calls.ok("POST", "/users/delete", deleteBody(emails.subList(0, 50)), OK);
        assertThat(deleted.json().path("deleted").asInt()).isEqualTo(50);
        String export = json(Map.of("email_address", emails.get(0), "fields_to_export", List.of("braze_id", "email")));
        assertThat(calls.ok("POST", "/users/export/ids", export, OK).json().path("users")).hasSize(1);
        braze.jobs().completeAll();
        assertThat(calls.ok("POST", "/users/export/ids", export, OK).json().path("users")).isEmpty();
        assertThat(braze.users(emails.get(50))).hasSize(1);
        assertThat(calls.send("POST", "/users/export/ids", json(Map.of("email_address", emails.subList(0, 2))), OK)
                .status()).isEqualTo(400);
    }

    @Test
    void export_ids_allows_250_a_minute_then_429_with_the_reset_in_epoch_seconds() {
        SandboxRequest r = new SandboxRequest("POST", "/users/export/ids", null, Map.of("authorization",
                List.of("Bearer braze-key"), "content-type", List.of("application/json")),
                json(Map.of("email_address", "a@example.com")).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 250; i++) {
            assertThat(braze.handle(r).status()).isEqualTo(201);
        }
        SandboxResponse limited = braze.handle(r);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(Long.parseLong(limited.headers().get("x-ratelimit-reset"))).isEqualTo(clock.millis() / 1000 + 60);
        clock.advance(Duration.ofSeconds(60));
        assertThat(braze.handle(r).status()).isEqualTo(201);
    }

    @Test
    void track_updates_attributes_by_braze_id_and_refuses_76_objects() {
        braze.seed("dominika.bt3@subsidiary.example-holding-group.de", "u-3");
        String id = braze.users("dominika.bt3@subsidiary.example-holding-group.de").get(0).brazeId;
        calls.ok("POST", "/users/track", json(Map.of("attributes", List.of(Map.of("braze_id", id,
                "email", "dominika.new@example.com", "last_name", "Nowak")))), OK);
        assertThat(braze.users("dominika.new@example.com")).hasSize(1);
        List<Object> many = Collections.nCopies(76, Map.of("braze_id", id, "last_name", "X"));
        assertThat(calls.send("POST", "/users/track", json(Map.of("attributes", many)), OK).status()).isEqualTo(400);
    }
}
