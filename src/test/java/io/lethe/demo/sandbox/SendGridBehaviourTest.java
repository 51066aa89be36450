package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SpecCheckedCalls.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lethe.support.Addresses;
import io.lethe.support.MutableClock;
import io.lethe.support.SandboxCalls.Answer;
import io.lethe.support.spec.SpecRouter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SendGrid fake refuses what SendGrid refuses, and what it accepts passes SendGrid's own OpenAPI files. */
class SendGridBehaviourTest {

    static final String[] OK = {"Authorization", "Bearer SG.test", "Content-Type", "application/json"};
    static final SpecRouter SPEC = SpecRouter.sendgrid();

    MutableClock clock = new MutableClock();
    SendGridBehaviour sendgrid = new SendGridBehaviour("SG.test", clock, null);
    SandboxServer server = SandboxServer.start(sendgrid);
    SpecCheckedCalls calls = new SpecCheckedCalls(server, SPEC);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void global_suppression_of_1000_realistic_addresses_needs_the_bearer_key() {
        List<String> emails = Addresses.realistic(1000, "sg");
        String body = json(Map.of("recipient_emails", emails));
        assertThat(calls.send("POST", "/v3/asm/suppressions/global", body, "Authorization", "SG.test",
                "Content-Type", "application/json").status()).isEqualTo(401);
        assertThat(calls.send("POST", "/v3/asm/suppressions/global", body, "Authorization", "Bearer SG.test",
                "Content-Type", "text/plain").status()).isEqualTo(415);
        assertThat(calls.send("POST", "/v3/asm/suppressions/global", json(Map.of("recipient_emails", "a@example.com")), OK)
                .status()).isEqualTo(400);

        Answer ok = calls.ok("POST", "/v3/asm/suppressions/global", body, OK);
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().path("recipient_emails")).hasSize(1000);
        assertThat(sendgrid.isSuppressed(emails.get(96))).isTrue();
        assertThat(ok.header("X-RateLimit-Reset")).isNotNull();
    }

    @Test
    void the_erase_job_takes_5000_addresses_or_256_kb_whichever_comes_first_and_100_calls_a_minute() {
        List<String> many = Addresses.realistic(5001, "sendgrid-erase");
        assertThat(calls.send("POST", "/v3/recipients/erasejob", json(Map.of("email_addresses", many)), OK).status())
                .isEqualTo(400);
        String full = json(Map.of("email_addresses", many.subList(0, 5000)));
        assertThat(full.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(SendGridBehaviour.ERASE_MAX_BYTES);
        assertThat(calls.send("POST", "/v3/recipients/erasejob", full, OK).status()).isEqualTo(400);
        assertThat(calls.send("POST", "/v3/recipients/erasejob", json(Map.of("email_addresses", List.of())), OK).status())
                .isEqualTo(400);

        List<String> fits = new ArrayList<>();
        int bytes = 22;
        for (String e : many) {
            if (bytes + e.length() + 3 > SendGridBehaviour.ERASE_MAX_BYTES) {
                break;
            }
            fits.add(e);
            bytes += e.length() + 3;
        }
        fits.forEach(e -> sendgrid.seed(e, null));
        Answer ok = calls.ok("POST", "/v3/recipients/erasejob", json(Map.of("email_addresses", fits)), OK);
        assertThat(ok.status()).isEqualTo(202);
        assertThat(ok.json().path("job_id").asText()).isNotBlank();
        assertThat(sendgrid.hasActivity(fits.get(96))).isFalse();
        // Marketing contacts are separate: the erase job leaves them.
        assertThat(sendgrid.hasContact(fits.get(96))).isTrue();

        SandboxRequest small = new SandboxRequest("POST", "/v3/recipients/erasejob", null, Map.of("authorization",
                List.of("Bearer SG.test"), "content-type", List.of("application/json")),
                json(Map.of("email_addresses", List.of("bartholomew.s1@example.com"))).getBytes(StandardCharsets.UTF_8));
        // 4 calls above counted (the refusals too); 96 more fill the minute.
        for (int i = 0; i < 96; i++) {
            assertThat(sendgrid.handle(small).status()).isEqualTo(202);
        }
        SandboxResponse limited = sendgrid.handle(small);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.body()).contains("too many requests");
        long reset = Long.parseLong(limited.headers().get("X-RateLimit-Reset"));
        assertThat(reset).isBetween(clock.millis() / 1000, clock.millis() / 1000 + 60);
        clock.advance(Duration.ofSeconds(61));
        assertThat(sendgrid.handle(small).status()).isEqualTo(202);
    }

    @Test
    void contacts_are_found_by_email_deleted_by_id_in_a_job_and_then_no_longer_found() {
        List<String> emails = Addresses.realistic(101, "sc");
        emails.forEach(e -> sendgrid.seed(e, null));
        String search = "/v3/marketing/contacts/search/identifiers/email";
        assertThat(calls.send("POST", search, json(Map.of("identifiers", emails)), OK).status()).isEqualTo(400);

        Answer found = calls.ok("POST", search, json(Map.of("identifiers", emails.subList(0, 100))), OK);
        List<String> ids = new ArrayList<>();
        found.json().path("result").forEach(r -> ids.add(r.path("contact").path("id").asText()));
        assertThat(ids).hasSize(100);

        Answer job = calls.ok("DELETE", "/v3/marketing/contacts?ids=" + String.join(",", ids.subList(0, 45)), null,
                "Authorization", "Bearer SG.test");
        String jobId = job.json().path("job_id").asText();
        assertThat(calls.ok("GET", "/v3/marketing/contacts/imports/" + jobId, null, "Authorization", "Bearer SG.test")
                .json().path("status").asText()).isEqualTo("pending");
        sendgrid.jobs().completeAll();
        assertThat(calls.ok("GET", "/v3/marketing/contacts/imports/" + jobId, null, "Authorization", "Bearer SG.test")
                .json().path("status").asText()).isEqualTo("completed");
        assertThat(calls.send("POST", search, json(Map.of("identifiers", emails.subList(0, 45))), OK).status())
                .isEqualTo(404);
        assertThat(calls.send("DELETE", "/v3/marketing/contacts", null, "Authorization", "Bearer SG.test").status())
                .isEqualTo(400);
        assertThat(calls.send("GET", "/v3/marketing/contacts/imports/unknown", null, "Authorization", "Bearer SG.test")
                .status()).isEqualTo(404);
    }

    @Test
    void unsubscribes_are_listed_500_a_page_and_contacts_upserted_by_email() {
        List<String> emails = Addresses.realistic(600, "su");
        calls.ok("POST", "/v3/asm/suppressions/global", json(Map.of("recipient_emails", emails)), OK);
        Answer page = calls.ok("GET", "/v3/suppression/unsubscribes?limit=500&offset=0", null, "Authorization", "Bearer SG.test");
        assertThat(page.json()).hasSize(500);
        assertThat(calls.ok("GET", "/v3/suppression/unsubscribes?limit=500&offset=500", null, "Authorization",
                "Bearer SG.test").json()).hasSize(100);
        assertThat(calls.send("GET", "/v3/suppression/unsubscribes?limit=501", null, "Authorization", "Bearer SG.test")
                .status()).isEqualTo(400);

        sendgrid.seed(emails.get(0), null);
        calls.ok("PUT", "/v3/marketing/contacts", json(Map.of("contacts", List.of(Map.of("email", emails.get(0),
                "first_name", "Annemarie", "last_name", "Müller")))), OK);
        assertThat(sendgrid.contactByEmail(emails.get(0)).lastName).isEqualTo("Müller");
        assertThat(calls.send("PUT", "/v3/marketing/contacts", json(Map.of("contacts", List.of())), OK).status())
                .isEqualTo(400);
    }
}
