package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SpecCheckedCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.lethe.support.Addresses;
import io.lethe.support.MutableClock;
import io.lethe.support.SandboxCalls.Answer;
import io.lethe.support.spec.SpecRouter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Klaviyo fake refuses what Klaviyo refuses, and what it accepts passes Klaviyo's own OpenAPI files. */
class KlaviyoBehaviourTest {

    static final String[] OK = {"Authorization", "Klaviyo-API-Key pk_test", "revision", "2026-07-15",
        "Content-Type", "application/vnd.api+json", "accept", "application/vnd.api+json"};

    MutableClock clock = new MutableClock();
    KlaviyoBehaviour klaviyo = new KlaviyoBehaviour("pk_test", clock, null);
    SandboxServer server = SandboxServer.start(klaviyo);
    static final SpecRouter SPEC = SpecRouter.klaviyo();
    SpecCheckedCalls calls = new SpecCheckedCalls(server, SPEC);

    @AfterEach
    void stop() {
        server.close();
    }

    static String unsubscribeBody(List<String> emails) {
        List<Object> profiles = emails.stream().map(e -> (Object) Map.of("type", "profile", "attributes",
                Map.of("email", e, "subscriptions", Map.of("email", Map.of("marketing", Map.of("consent", "UNSUBSCRIBED"))))))
                .toList();
        return json(Map.of("data", Map.of("type", "profile-subscription-bulk-delete-job",
                "attributes", Map.of("profiles", Map.of("data", profiles)))));
    }

    static String deletionBody(Map<String, String> attributes) {
        return json(Map.of("data", Map.of("type", "data-privacy-deletion-job", "attributes",
                Map.of("profile", Map.of("data", Map.of("type", "profile", "attributes", attributes))))));
    }

    static String filterAny(List<String> emails) {
        return "/api/profiles?filter=" + URLEncoder.encode("any(email," + json(emails) + ")", StandardCharsets.UTF_8)
                + "&page%5Bsize%5D=100";
    }

    @Test
    void unsubscribes_a_full_batch_of_100_and_refuses_101() {
        List<String> emails = Addresses.realistic(101, "kl");
        emails.forEach(e -> klaviyo.seed(e, null));

        assertThat(calls.ok("POST", "/api/profile-subscription-bulk-delete-jobs", unsubscribeBody(emails.subList(0, 100)), OK)
                .status()).isEqualTo(202);
        assertThat(klaviyo.consent(emails.get(99))).isEqualTo("UNSUBSCRIBED");
        assertThat(klaviyo.consent(emails.get(96))).isEqualTo("UNSUBSCRIBED"); // the 254-character one
        assertThat(klaviyo.consent(emails.get(100))).isEqualTo("SUBSCRIBED");
        assertThat(calls.ok("GET", "/api/profiles", null, OK).header("RateLimit-Remaining")).isEqualTo("749");

        Answer tooMany = calls.send("POST", "/api/profile-subscription-bulk-delete-jobs", unsubscribeBody(emails), OK);
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("errors").get(0).path("source").path("pointer").asText())
                .isEqualTo("/data/attributes/profiles/data");
    }

    @Test
    void refuses_a_wrong_key_scheme_a_missing_revision_and_plain_json() {
        String body = unsubscribeBody(List.of("annemarie.kl0@example.com"));
        assertThat(calls.send("POST", "/api/profile-subscription-bulk-delete-jobs", body, "Authorization", "Bearer pk_test",
                "revision", "2026-07-15", "Content-Type", "application/vnd.api+json").status()).isEqualTo(401);
        assertThat(calls.send("POST", "/api/profile-subscription-bulk-delete-jobs", body, "Authorization",
                "Klaviyo-API-Key wrong", "revision", "2026-07-15", "Content-Type", "application/vnd.api+json").status())
                .isEqualTo(401);
        assertThat(calls.send("POST", "/api/profile-subscription-bulk-delete-jobs", body, "Authorization",
                "Klaviyo-API-Key pk_test", "Content-Type", "application/vnd.api+json").status()).isEqualTo(400);
        assertThat(calls.send("POST", "/api/profile-subscription-bulk-delete-jobs", body, "Authorization",
                "Klaviyo-API-Key pk_test", "revision", "2026-07-15", "Content-Type", "application/json").status())
                .isEqualTo(415);
        String consentMissing = body.replace("\"consent\":\"UNSUBSCRIBED\"", "\"consent\":\"SUBSCRIBED\"");
        assertThat(calls.send("POST", "/api/profile-subscription-bulk-delete-jobs", consentMissing, OK).status())
                .isEqualTo(400);
    }

    @Test
    void a_deletion_job_takes_one_identifier_is_only_queued_and_is_paced_to_3_a_second() {
        List<String> emails = Addresses.realistic(4, "kd");
        emails.forEach(e -> klaviyo.seed(e, null));

        assertThat(calls.send("POST", "/api/data-privacy-deletion-jobs",
                deletionBody(Map.of("email", emails.get(0), "phone_number", "+4915112345678")), OK).status()).isEqualTo(400);
        clock.advance(Duration.ofSeconds(1)); // the refusal counted against the window too, as at Klaviyo
        for (int i = 0; i < 3; i++) {
            assertThat(calls.ok("POST", "/api/data-privacy-deletion-jobs", deletionBody(Map.of("email", emails.get(i))), OK)
                    .body()).isEmpty();
        }
        Answer throttled = calls.send("POST", "/api/data-privacy-deletion-jobs", deletionBody(Map.of("email", emails.get(3))), OK);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isEqualTo("1");
        assertThat(throttled.json().path("errors").get(0).path("code").asText()).isEqualTo("throttled");

        // Queued, not done: the profile is still read back until the job has run.
        assertThat(calls.ok("GET", filterAny(emails.subList(0, 1)), null, OK).json().path("data")).hasSize(1);
        klaviyo.jobs().completeAll();
        assertThat(calls.ok("GET", filterAny(emails.subList(0, 3)), null, OK).json().path("data")).isEmpty();
        assertThat(calls.ok("GET", filterAny(emails.subList(3, 4)), null, OK).json().path("data")).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(calls.ok("POST", "/api/data-privacy-deletion-jobs", deletionBody(Map.of("email", emails.get(3))), OK)
                .status()).isEqualTo(202);
    }

    @Test
    void the_steady_window_allows_60_deletions_a_minute() {
        for (int i = 0; i < 60; i++) {
            assertThat(klaviyo.handle(deletionRequest("p" + i + "@example.com")).status()).isEqualTo(202);
            clock.advance(Duration.ofMillis(400));
        }
        assertThat(klaviyo.handle(deletionRequest("p60@example.com")).status()).isEqualTo(429);
    }

    private static SandboxRequest deletionRequest(String email) {
        return new SandboxRequest("POST", "/api/data-privacy-deletion-jobs", null, Map.of("authorization",
                List.of("Klaviyo-API-Key pk_test"), "revision", List.of("2026-07-15"), "content-type",
                List.of("application/vnd.api+json")), deletionBody(Map.of("email", email)).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void profiles_are_listed_with_their_consent_100_a_page_following_the_next_link() {
        Addresses.realistic(150, "kp").forEach(e -> klaviyo.seed(e, null));

        Answer first = calls.ok("GET", "/api/profiles?additional-fields%5Bprofile%5D=subscriptions&page%5Bsize%5D=100", null, OK);
        assertThat(first.json().path("data")).hasSize(100);
        assertThat(first.json().path("data").get(0).path("attributes").path("subscriptions").path("email")
                .path("marketing").path("consent").asText()).isEqualTo("SUBSCRIBED");
        String next = first.json().path("links").path("next").asText();
        assertThat(next).startsWith(server.baseUrl() + "/api/profiles?");
        Answer second = calls.ok("GET", next.substring(server.baseUrl().length()), null, OK);
        assertThat(second.json().path("data")).hasSize(50);
        assertThat(second.json().path("links").path("next").isNull()).isTrue();

        assertThat(calls.send("GET", "/api/profiles?page%5Bsize%5D=101", null, OK).status()).isEqualTo(400);
        assertThat(calls.send("GET", "/api/profiles?filter=" + URLEncoder.encode("contains(email,\"x\")",
                StandardCharsets.UTF_8), null, OK).status()).isEqualTo(400);
    }

    @Test
    void any_email_takes_a_list_of_quoted_addresses_and_refuses_anything_else() {
        List<String> emails = Addresses.realistic(100, "ka");
        emails.subList(0, 60).forEach(e -> klaviyo.seed(e, null));
        // 100 addresses (one of 254 characters) in one call: the 60 held come back, in one page
        assertThat(emails).anyMatch(e -> e.length() == 254);
        assertThat(calls.ok("GET", filterAny(emails), null, OK).json().path("data")).hasSize(60);
        assertThat(calls.ok("GET", "/api/profiles?filter=" + URLEncoder.encode("any(email,['" + emails.get(0) + "','"
                + emails.get(1).toUpperCase() + "'])", StandardCharsets.UTF_8), null, OK).json().path("data")).hasSize(2);
        for (String bad : List.of("any(email,[])", "any(email,[" + emails.get(0) + "])",
                "any(email,[\"" + emails.get(0) + "\",])", "any(email,[\"" + emails.get(0) + "\" \"x@ex.io\"])",
                "any(email,[\"" + emails.get(0) + "])", "any(email,\"" + emails.get(0) + "\")")) {
            Answer refused = calls.send("GET", "/api/profiles?filter=" + URLEncoder.encode(bad, StandardCharsets.UTF_8),
                    null, OK);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().path("errors").get(0).path("source").path("parameter").asText()).isEqualTo("filter");
        }
    }

    @Test
    void a_profile_is_rectified_by_id() {
        klaviyo.seed("josephine.kr9@example.com", null);
        String id = klaviyo.profile("josephine.kr9@example.com").id;
        String body = json(Map.of("data", Map.of("type", "profile", "id", id, "attributes",
                Map.of("email", "josephine.new@example.com", "last_name", "Smith"))));
        assertThat(calls.ok("PATCH", "/api/profiles/" + id, body, OK).json().path("data").path("attributes")
                .path("email").asText()).isEqualTo("josephine.new@example.com");
        assertThat(calls.send("PATCH", "/api/profiles/01UNKNOWN", body.replace(id, "01UNKNOWN"), OK).status())
                .isEqualTo(404);
        assertThat(calls.send("PATCH", "/api/profiles/" + id, body.replace(id, "other"), OK).status()).isEqualTo(409);
    }
}
