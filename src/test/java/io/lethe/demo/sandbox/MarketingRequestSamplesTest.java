package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SpecCheckedCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lethe.support.Addresses;
import io.lethe.support.SandboxCalls.Answer;
import io.lethe.support.spec.SpecRouter;
import org.junit.jupiter.api.Test;

/**
 * The requests connectors/{braze,klaviyo,sendgrid,intercom}.yaml produce, written out by hand from those files (the
 * client's headers, each operation's path, query and body, full batches of realistic addresses): each must pass the
 * vendor's official spec (where one exists) and be accepted by its sandbox. When a file changes, change its sample.
 */
class MarketingRequestSamplesTest {

    // Loaded once (Intercom's description alone is 878 KB of YAML).
    static final SpecRouter KLAVIYO = SpecRouter.klaviyo();
    static final SpecRouter SENDGRID = SpecRouter.sendgrid();
    static final SpecRouter INTERCOM = SpecRouter.intercom();

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void klaviyo() {
        String[] h = {"Authorization", "Klaviyo-API-Key pk_live", "revision", "2026-07-15",
            "accept", "application/vnd.api+json", "Content-Type", "application/vnd.api+json"};
        KlaviyoBehaviour klaviyo = new KlaviyoBehaviour("pk_live", java.time.Clock.systemUTC(), null);
        List<String> emails = Addresses.realistic(100, "ks");
        emails.forEach(e -> klaviyo.seed(e, null));
        SpecRouter spec = KLAVIYO;
        try (SandboxServer server = SandboxServer.start(klaviyo)) {
            spec.attachTo(server);
            SpecCheckedCalls calls = new SpecCheckedCalls(server, spec);
            // optOut (batchMax 100)
            calls.ok("POST", "/api/profile-subscription-bulk-delete-jobs", KlaviyoBehaviourTest.unsubscribeBody(emails), h);
            // findProfile (batchMax 100, cut at 1,900 URI characters: here 5 with the 254-character one)
            List<String> five = List.of(emails.get(96), emails.get(0), emails.get(1), emails.get(2), emails.get(3));
            String readBack = "/api/profiles?filter=" + enc("any(email," + json(five) + ")")
                    + "&fields%5Bprofile%5D=email&page%5Bsize%5D=100";
            assertThat(("https://a.klaviyo.com" + readBack).length()).isLessThan(2000);
            assertThat(calls.ok("GET", readBack, null, h).json().path("data")).hasSize(5);
            // export
            calls.ok("GET", "/api/profiles?filter=" + enc("any(email," + json(five) + ")")
                    + "&additional-fields%5Bprofile%5D=subscriptions&page%5Bsize%5D=100", null, h);
            // rectify: PATCH by the looked-up id
            String id = klaviyo.profile(emails.get(96)).id;
            calls.ok("PATCH", "/api/profiles/" + id, json(Map.of("data", Map.of("type", "profile", "id", id,
                    "attributes", Map.of("email", "annemarie.renamed@example.com", "first_name", "Annemarie",
                            "last_name", "Łukasiewicz", "phone_number", "+4915112345678")))), h);
            // readState, full and incremental
            calls.ok("GET", "/api/profiles?additional-fields%5Bprofile%5D=subscriptions&page%5Bsize%5D=100", null, h);
            calls.ok("GET", "/api/profiles?additional-fields%5Bprofile%5D=subscriptions&page%5Bsize%5D=100&filter="
                    + enc("greater-than(updated,2026-11-30T00:00:00+00:00)"), null, h);
            // erase (batchMax 1)
            calls.ok("POST", "/api/data-privacy-deletion-jobs", KlaviyoBehaviourTest.deletionBody(Map.of("email",
                    emails.get(96))), h);
            spec.assertNoViolations();
        }
    }

    @Test
    void sendgrid() {
        String[] h = {"Authorization", "Bearer SG.live", "Content-Type", "application/json"};
        SendGridBehaviour sendgrid = new SendGridBehaviour("SG.live", java.time.Clock.systemUTC(), null);
        List<String> emails = Addresses.realistic(1000, "ss");
        emails.forEach(e -> sendgrid.seed(e, null));
        SpecRouter spec = SENDGRID;
        try (SandboxServer server = SandboxServer.start(sendgrid)) {
            spec.attachTo(server);
            SpecCheckedCalls calls = new SpecCheckedCalls(server, spec);
            // optOut (batchMax 1000)
            calls.ok("POST", "/v3/asm/suppressions/global", json(Map.of("recipient_emails", emails)), h);
            // erase: the erase job (here 1,000; maxBodyBytes cuts a call of realistic addresses near 4,800)
            calls.ok("POST", "/v3/recipients/erasejob", json(Map.of("email_addresses", emails)), h);
            // findContacts / readBack / export (batchMax 100)
            Answer found = calls.ok("POST", "/v3/marketing/contacts/search/identifiers/email",
                    json(Map.of("identifiers", emails.subList(0, 100))), h);
            List<String> ids = new ArrayList<>();
            found.json().path("result").forEach(r -> ids.add(r.path("contact").path("id").asText()));
            // eraseContacts (batchMax 100, cut at 1,900 URI characters: 45 ids)
            String delete = "/v3/marketing/contacts?ids=" + enc(String.join(",", ids.subList(0, 45)));
            assertThat(("https://api.sendgrid.com" + delete).length()).isLessThan(2000);
            String jobId = calls.ok("DELETE", delete, null, h).json().path("job_id").asText();
            // contactsJob
            calls.ok("GET", "/v3/marketing/contacts/imports/" + jobId, null, h);
            // rectify (batchMax 100)
            calls.ok("PUT", "/v3/marketing/contacts", json(Map.of("contacts", List.of(Map.of("email", emails.get(96),
                    "first_name", "Friedrich", "last_name", "Groß", "phone_number", "+4930123456")))), h);
            // readState, full and incremental
            calls.ok("GET", "/v3/suppression/unsubscribes?limit=500&offset=0", null, h);
            calls.ok("GET", "/v3/suppression/unsubscribes?limit=500&offset=500&start_time=1764547200", null, h);
            spec.assertNoViolations();
        }
    }

    @Test
    void intercom() {
        String[] h = {"Authorization", "Bearer ic_live", "Intercom-Version", "2.14", "Accept", "application/json",
            "Content-Type", "application/json"};
        IntercomBehaviour intercom = new IntercomBehaviour("ic_live", "37846", java.time.Clock.systemUTC());
        String email = Addresses.realistic(97, "is").get(96);
        intercom.seed(email, "u-42");
        SpecRouter spec = INTERCOM;
        try (SandboxServer server = SandboxServer.start(intercom)) {
            spec.attachTo(server);
            SpecCheckedCalls calls = new SpecCheckedCalls(server, spec);
            // findContacts / export / readBack (batchMax 50, IN)
            List<String> fifty = new ArrayList<>(Addresses.realistic(49, "in"));
            fifty.add(email);
            String id = calls.ok("POST", "/contacts/search", json(Map.of("query", Map.of("field", "email", "operator",
                    "IN", "value", fifty), "pagination", Map.of("per_page", 150))), h).json().path("data").get(0)
                    .path("id").asText();
            // optOut
            calls.ok("POST", "/contacts/" + id + "/subscriptions", json(Map.of("id", "37846", "consent_type", "opt_out")), h);
            // rectify
            calls.ok("PUT", "/contacts/" + id, json(Map.of("email", "ignatius.new@example.com", "phone", "+441632960961")), h);
            // erase, then readBack
            calls.ok("DELETE", "/contacts/" + id, null, h);
            assertThat(calls.ok("POST", "/contacts/search", json(Map.of("query", Map.of("field", "email", "operator",
                    "IN", "value", List.of("ignatius.new@example.com")), "pagination", Map.of("per_page", 150))), h)
                    .json().path("data")).isEmpty();
            spec.assertNoViolations();
        }
    }

    /** The split specs are routed to the right file: each refuses a request its vendor would refuse. */
    @Test
    void the_spec_routers_refuse_what_the_specs_refuse() {
        Map<String, List<String>> klaviyoHeaders = Map.of("authorization", List.of("Klaviyo-API-Key pk"),
                "content-type", List.of("application/vnd.api+json"));
        assertThat(KLAVIYO.refuses(new SandboxRequest("POST", "/api/data-privacy-deletion-jobs", null,
                klaviyoHeaders, KlaviyoBehaviourTest.deletionBody(Map.of("email", "a@example.com"))
                        .getBytes(StandardCharsets.UTF_8)))).as("no revision").isTrue();
        assertThat(KLAVIYO.refuses(new SandboxRequest("GET", "/api/profiles", "page%5Bsize%5D=101",
                Map.of("authorization", List.of("Klaviyo-API-Key pk"), "revision", List.of("2026-07-15")), null)))
                .as("page size over 100").isTrue();
        Map<String, List<String>> bearer = Map.of("authorization", List.of("Bearer k"), "content-type",
                List.of("application/json"));
        assertThat(SENDGRID.refuses(new SandboxRequest("POST", "/v3/recipients/erasejob", null, bearer,
                "{\"email_addresses\":[]}".getBytes(StandardCharsets.UTF_8)))).as("no address").isTrue();
        assertThat(SENDGRID.refuses(new SandboxRequest("POST", "/v3/marketing/contacts/search/identifiers/email",
                null, Map.of("content-type", List.of("application/json")), "{\"identifiers\":[\"a@example.com\"]}"
                        .getBytes(StandardCharsets.UTF_8)))).as("no key").isTrue();
        assertThat(INTERCOM.refuses(new SandboxRequest("POST", "/contacts/abc/subscriptions", null, bearer,
                "{\"id\":37846,\"consent_type\":\"opt_out\"}".getBytes(StandardCharsets.UTF_8))))
                .as("id not a string").isTrue();
    }

    @Test
    void braze_has_no_spec_file_so_its_samples_meet_the_sandbox_only() {
        String[] h = {"Authorization", "Bearer braze-live", "Content-Type", "application/json"};
        BrazeBehaviour braze = new BrazeBehaviour("braze-live", java.time.Clock.systemUTC(), null);
        List<String> emails = Addresses.realistic(97, "bs");
        emails.forEach(e -> braze.seed(e, null));
        try (SandboxServer server = SandboxServer.start(braze)) {
            SpecCheckedCalls calls = new SpecCheckedCalls(server, null);
            calls.ok("POST", "/email/status", json(Map.of("email", emails.subList(47, 97), "subscription_state",
                    "unsubscribed")), h);
            String brazeId = calls.ok("POST", "/users/export/ids", json(Map.of("email_address", emails.get(96),
                    "fields_to_export", List.of("braze_id", "email"))), h).json().path("users").get(0).path("braze_id").asText();
            calls.ok("POST", "/users/export/ids", json(Map.of("email_address", emails.get(96))), h);
            calls.ok("POST", "/users/track", json(Map.of("attributes", List.of(Map.of("braze_id", brazeId,
                    "email", "guadalupe.new@example.com", "first_name", "Guadalupe", "last_name", "Núñez",
                    "phone", "+34600123456")))), h);
            calls.ok("POST", "/users/delete", BrazeBehaviourTest.deleteBody(emails.subList(0, 50)), h);
        }
    }
}
