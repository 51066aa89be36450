package io.lethe.retention;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.requests.RequestService;
import io.lethe.support.Addresses;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubWithVendorsAndDpo;
import io.lethe.support.VendorFakes;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention end to end: a policy files erasures for exactly the subjects it names, which reach the vendors and
 * complete (crypto-shredded); a subject on legal hold is spared, its own erasure request goes to action_required with
 * the hold recorded, and once the hold is released that erasure runs; the DPO gets the run's summary.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RetentionTest extends HubWithVendorsAndDpo {

    static final String LONG_AGO = "2023-05-01T10:00:00Z";
    static final String HOLD_REASON = "Litigation hold: case 2026-CV-0423, Smith v. Example Ltd";

    @Override
    protected void settings(Properties p) {
        try {
            Path file = Files.createTempFile("retention-", ".yaml");
            Files.writeString(file, """
                    policies:
                      - id: inactive-2y
                        description: No granted purpose and no consent event for 24 months
                        enabled: true
                        kind: inactive_subject
                        after: 24 months
                        limit: 10
                      - id: hubspot-old
                        description: HubSpot data older than 26 months (at most one a run)
                        enabled: true
                        kind: connector_age
                        connectors: [hubspot]
                        after: 26 months
                        limit: 1
                    """);
            p.put("lethe.retention.file", file.toString());
            p.put("lethe.dispatch.max-in-place-wait-ms", "500"); // a refused call goes back to the outbox soon
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String consent(String email, String purpose, String status, String capturedAt) {
        Response r = api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "%s", "status": "%s", %s
                 "evidence": {"ip": "198.51.100.4", "noticeVersion": "v1"}}""".formatted(email, purpose, status,
                capturedAt == null ? "" : "\"capturedAt\": \"" + capturedAt + "\","));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    int lookup(String email) {
        return api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"" + email + "\"}").status();
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

    @Test
    @Order(1)
    void a_policy_erases_exactly_the_subjects_it_names_and_spares_the_one_on_legal_hold() throws Exception {
        List<String> emails = Addresses.realistic(97, "retention"); // the 97th is 254 characters long
        String expiredA = emails.get(0);
        String expiredB = emails.get(96);
        String held = emails.get(1);
        String recent = emails.get(2);
        String granted = emails.get(3);
        for (String e : List.of(expiredA, expiredB, held)) {
            fakes.heldByHubSpotAndMailchimp(e);
        }
        String a = consent(expiredA, "analytics", "withdrawn", LONG_AGO);
        String b = consent(expiredB, "email_marketing", "withdrawn", LONG_AGO);
        String h = consent(held, "analytics", "withdrawn", LONG_AGO);
        String r = consent(recent, "analytics", "withdrawn", null);
        String g = consent(granted, "email_marketing", "granted", LONG_AGO);
        // A capture dated long ago but recorded today is activity today: the three are aged as if imported in 2023.
        for (String old : List.of(a, b, h)) {
            recordedLongAgo(old);
        }

        // A hold needs a reason (problem+json naming it), at most 1000 characters; one active hold per subject.
        Response noReason = api.post("/api/v1/subjects/" + h + "/hold", ADMIN_KEY, "{\"until\":\"2020-01-01T00:00:00Z\"}");
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.contentType()).startsWith("application/problem+json");
        assertThat(noReason.json().path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("reason",
                "until");
        assertThat(api.post("/api/v1/subjects/" + h + "/hold", ADMIN_KEY, "{\"reason\":\"" + "x".repeat(1001) + "\"}")
                .json().path("errors").findValuesAsText("field")).containsExactly("reason");
        assertThat(api.post("/api/v1/subjects/" + h + "/hold", COMPLIANCE_KEY, "{\"reason\":\"case\"}").status())
                .isEqualTo(403);
        Response placed = api.post("/api/v1/subjects/" + h + "/hold", ADMIN_KEY, "{\"reason\":\"" + HOLD_REASON + "\"}");
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        assertThat(placed.json().path("active").asBoolean()).isTrue();
        assertThat(api.post("/api/v1/subjects/" + h + "/hold", ADMIN_KEY, "{\"reason\":\"again\"}").status())
                .isEqualTo(409);

        // The dry run names exactly the two expired subjects, and the held one as skipped; nothing changes.
        JsonNode preview = api.get("/api/v1/retention/preview", COMPLIANCE_KEY).json().path("policies").get(0);
        assertThat(preview.path("id").asText()).isEqualTo("inactive-2y");
        assertThat(preview.path("subjects").findValuesAsText("subjectId")).containsExactlyInAnyOrder(a, b);
        assertThat(preview.path("skippedOnHold").get(0).asText()).isEqualTo(h);
        assertThat(preview.path("overLimit").asBoolean()).isFalse();
        assertThat(preview.toString()).doesNotContain(expiredA).doesNotContain(expiredB);
        assertThat(api.get("/api/v1/retention/preview", MARKETER_KEY).status()).isEqualTo(403);
        assertThat(lookup(expiredA)).isEqualTo(200);

        // Run now: two ordinary erasures, filed by retention:inactive-2y, verified at the vendors and shredded.
        assertThat(api.post("/api/v1/retention/runs", COMPLIANCE_KEY, "{}").status()).isEqualTo(403);
        Response started = api.post("/api/v1/retention/runs", ADMIN_KEY, "{}");
        assertThat(started.status()).isEqualTo(202);
        String runId = started.json().path("runIds").get(0).asText();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(run(runId).path("status").asText())
                .isEqualTo("completed"));
        JsonNode run = run(runId);
        assertThat(run.path("selected").asInt()).isEqualTo(3);
        assertThat(run.path("filed").asInt()).isEqualTo(2);
        assertThat(run.path("held").asInt()).isEqualTo(1);
        RequestService requests = context.getRegistry().lookupByNameAndType("requestService", RequestService.class);
        List<RequestService.FiledRequest> filed = requests.filedBy("retention:", 10);
        assertThat(filed).extracting(RequestService.FiledRequest::subjectId).containsExactlyInAnyOrder(a, b);
        assertThat(filed).extracting(RequestService.FiledRequest::filedBy).containsOnly("retention:inactive-2y");
        for (RequestService.FiledRequest f : filed) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(request(f.id()).path("status").asText()).isEqualTo("completed"));
            assertThat(request(f.id()).path("type").asText()).isEqualTo("erasure");
        }
        assertThat(lookup(expiredA)).isEqualTo(404);
        assertThat(lookup(expiredB)).isEqualTo(404);
        assertThat(fakes.hubspotVendor.contact(expiredA)).isNull();
        assertThat(fakes.hubspotVendor.contact(expiredB)).isNull();
        assertThat(fakes.mailchimpVendor.statuses(VendorFakes.LIST_A)).doesNotContainKeys(expiredA, expiredB);
        assertThat(lookup(recent)).isEqualTo(200);
        assertThat(lookup(granted)).isEqualTo(200);
        assertThat(lookup(held)).isEqualTo(200);

        // The held subject's own erasure: action_required at once, the hold in its timeline, nothing at the vendors.
        Response asked = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(held));
        assertThat(asked.status()).isEqualTo(202);
        assertThat(asked.json().path("status").asText()).isEqualTo("action_required");
        String heldRequest = asked.json().path("requestId").asText();
        JsonNode log = api.get("/api/v1/sync-log?requestId=" + heldRequest, COMPLIANCE_KEY).json().path("entries");
        assertThat(log.findValuesAsText("vendor")).containsOnly("legal-hold");
        assertThat(log.findValuesAsText("outcome")).containsExactly("held");
        assertThat(log.toString()).contains(placed.json().path("holdId").asText()).doesNotContain("Smith");
        assertThat(api.get("/api/v1/subjects/" + h + "/hold", COMPLIANCE_KEY).json().path("holds").get(0)
                .path("reason").asText()).isEqualTo(HOLD_REASON);
        assertThat(request(heldRequest).path("vendors").findValuesAsText("status")).containsOnly("skipped");
        Thread.sleep(300); // dispatch polls every 50 ms: an erase command, had one been queued, would be out by now
        assertThat(fakes.hubspotVendor.contact(held)).isNotNull();
        assertThat(fakes.mailchimpVendor.statuses(VendorFakes.LIST_A)).containsKey(held);

        // The DPO's summary of the run: counts, no address.
        await().atMost(Duration.ofSeconds(10)).until(() -> dpoMail("retention run").isPresent());
        String summary = com.icegreen.greenmail.util.GreenMailUtil.getBody(dpoMail("retention run").orElseThrow());
        assertThat(summary).contains("inactive-2y: 3 selected, 2 erasure(s) filed, 1 skipped on legal hold")
                .doesNotContain(expiredA).doesNotContain(held);

        // The daily run claims the policy's day once, whichever hub asks first; the second asks in vain.
        Retention retention = context.getRegistry().lookupByNameAndType("retention", Retention.class);
        List<Retention.Run> daily = retention.runScheduled();
        assertThat(daily).extracting(Retention.Run::policy).containsExactly("inactive-2y", "hubspot-old");
        assertThat(daily).filteredOn(d -> d.policy().equals("inactive-2y")).singleElement().satisfies(d -> {
            assertThat(d.startedBy()).isEqualTo("schedule");
            assertThat(d.filed()).isZero();
            // the held subject's own erasure is open now: an open request is activity, it is not even selected
            assertThat(d.selected()).isZero();
            assertThat(d.held()).isZero();
        });
        assertThat(retention.runScheduled()).isEmpty();

        // Released with a reason: the erasure the hold stopped runs now.
        assertThat(api.send("DELETE", "/api/v1/subjects/" + h + "/hold", ADMIN_KEY, "application/json", "{}")
                .json().path("errors").findValuesAsText("field")).containsExactly("reason");
        Response released = api.send("DELETE", "/api/v1/subjects/" + h + "/hold", ADMIN_KEY, "application/json",
                "{\"reason\":\"Case settled on 2026-11-30\"}");
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.json().path("active").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(request(heldRequest).path("status").asText()).isEqualTo("completed"));
        assertThat(lookup(held)).isEqualTo(404);
        assertThat(fakes.hubspotVendor.contact(held)).isNull();
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
    }

    @Test
    @Order(2)
    void the_console_shows_policies_runs_and_holds_and_an_admin_places_and_releases_a_hold() throws Exception {
        String email = Addresses.realistic(5, "console-hold").get(4);
        String subject = consent(email, "email_marketing", "granted", null);
        String admin = signIn(ADMIN_KEY);
        org.jsoup.nodes.Document page = page(admin, "/console/retention");
        assertThat(page.select("#policies tr[data-policy=inactive-2y]")).hasSize(1);
        assertThat(page.select("#upcoming-inactive-2y")).hasSize(1);
        assertThat(page.select("#retention-requests tr[data-request]")).isNotEmpty(); // the first test's erasures
        String csrf = page.select("#place-hold input[name=csrf]").attr("value");
        assertThat(post(admin, "/console/retention/holds", null, "subjectId=" + subject + "&reason=x").statusCode())
                .isEqualTo(403);
        assertThat(post(admin, "/console/retention/holds", csrf, "subjectId=" + subject).statusCode()).isEqualTo(400);
        var placed = post(admin, "/console/retention/holds", csrf, "subjectId=" + subject
                + "&reason=Tax+audit+2026%2F17&until=2099-12-31");
        assertThat(placed.statusCode()).isEqualTo(303);
        assertThat(placed.headers().firstValue("Location")).contains("/console/retention?done=placed");
        page = page(admin, "/console/retention?done=placed");
        assertThat(page.select("#holds tr[data-hold]").text()).contains(subject, "Tax audit 2026/17", "active");
        assertThat(page(admin, "/console/subjects/" + subject).select("#legal-hold").text())
                .contains("legal hold", "Tax audit 2026/17");

        String compliance = signIn(COMPLIANCE_KEY);
        org.jsoup.nodes.Document review = page(compliance, "/console/retention");
        assertThat(review.select("#holds").text()).contains(subject);
        assertThat(review.select("#place-hold, #run-now, form.release")).isEmpty();
        String reviewCsrf = review.select("form.sign-out input[name=csrf]").attr("value");
        assertThat(post(compliance, "/console/retention/holds/" + subject + "/release", reviewCsrf, "reason=x")
                .statusCode()).isEqualTo(403);

        var released = post(admin, "/console/retention/holds/" + subject + "/release", csrf, "reason=Audit+closed");
        assertThat(released.statusCode()).isEqualTo(303);
        assertThat(api.get("/api/v1/subjects/" + subject + "/hold", COMPLIANCE_KEY).json().path("active").asBoolean())
                .isFalse();
        assertThat(post(admin, "/console/retention/run", csrf, "").headers().firstValue("Location"))
                .contains("/console/retention?done=run");
    }

    @Test
    @Order(3)
    void a_hold_placed_while_an_erasure_runs_stops_what_is_not_sent_and_no_retry_goes_out() throws Exception {
        String email = Addresses.realistic(7, "running").get(6);
        fakes.heldByHubSpotAndMailchimp(email);
        consent(email, "email_marketing", "granted", null);
        fakes.hubspotAlways(VendorFakes.HUBSPOT_GDPR_DELETE, io.lethe.demo.sandbox.SandboxResponse.json(503,
                "{\"status\":\"error\",\"message\":\"Service unavailable\"}"));
        String id = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email)).json()
                .path("requestId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> !fakes.hubspotPosts(VendorFakes.HUBSPOT_GDPR_DELETE)
                .isEmpty());
        String subject = request(id).path("subjectId").asText();
        assertThat(api.post("/api/v1/subjects/" + subject + "/hold", ADMIN_KEY, "{\"reason\":\"Regulator inquiry\"}")
                .status()).isEqualTo(201);
        assertThat(request(id).path("status").asText()).isEqualTo("action_required");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(hubspotCommand(id)).isEqualTo("skipped"));
        // A call being retried in place when the hold came may try again until its in-place window (500 ms here)
        // ends; after that the command is not put back in the outbox for another attempt.
        Thread.sleep(700);
        int calls = fakes.hubspotPosts(VendorFakes.HUBSPOT_GDPR_DELETE).size();
        Thread.sleep(800); // past the backoff: a command put back for another attempt would be called again by now
        assertThat(fakes.hubspotPosts(VendorFakes.HUBSPOT_GDPR_DELETE)).hasSize(calls);
        assertThat(hubspotCommand(id)).isEqualTo("skipped");
        assertThat(request(id).path("status").asText()).isEqualTo("action_required");
        assertThat(lookup(email)).isEqualTo(200); // never shredded while held
        fakes.reset();
    }

    @Test
    @Order(4)
    void a_run_that_would_erase_more_than_its_limit_files_nothing_and_tells_the_dpo() throws Exception {
        List<String> emails = Addresses.realistic(9, "limit");
        String x = consent(emails.get(7), "email_marketing", "granted", null);
        String y = consent(emails.get(8), "email_marketing", "granted", null);
        for (String subject : List.of(x, y)) { // HubSpot last heard of them in 2023
            try (var c = context.getRegistry().lookupByNameAndType("registerDataSource", javax.sql.DataSource.class)
                    .getConnection(); var ps = c.prepareStatement("insert into outbox_command (connector, subject_id,"
                    + " action, purpose, status, attempts, not_before, created_at, updated_at) values ('hubspot', ?,"
                    + " 'opt_in', 'email_marketing', 'done', 1, ?, ?, ?)")) {
                java.time.OffsetDateTime old = java.time.OffsetDateTime.parse(LONG_AGO);
                ps.setString(1, subject);
                ps.setObject(2, old);
                ps.setObject(3, old);
                ps.setObject(4, old);
                ps.executeUpdate();
            }
        }
        JsonNode preview = api.get("/api/v1/retention/preview", ADMIN_KEY).json().path("policies").get(1);
        assertThat(preview.path("id").asText()).isEqualTo("hubspot-old");
        assertThat(preview.path("connectors").toString()).isEqualTo("[\"hubspot\"]");
        assertThat(preview.path("subjects").findValuesAsText("subjectId")).containsExactlyInAnyOrder(x, y);
        assertThat(preview.path("overLimit").asBoolean()).isTrue();

        List<String> runIds = new java.util.ArrayList<>();
        api.post("/api/v1/retention/runs", ADMIN_KEY, "{}").json().path("runIds").forEach(n -> runIds.add(n.asText()));
        String limited = runIds.get(1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(run(limited).path("status").asText())
                .isEqualTo("limit_exceeded"));
        assertThat(run(limited).path("filed").asInt()).isZero();
        assertThat(run(limited).path("selected").asInt()).isEqualTo(2);
        assertThat(run(limited).path("error").asText()).contains("over the limit of 1");
        RequestService requests = context.getRegistry().lookupByNameAndType("requestService", RequestService.class);
        assertThat(requests.filedBy("retention:hubspot-old", 10)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> dpoMail("LIMIT EXCEEDED for hubspot-old").isPresent());
        assertThat(lookup(emails.get(7))).isEqualTo(200);
    }


    @Test
    @Order(5)
    void a_hold_on_an_erasure_waiting_for_a_person_holds_no_resend_dispatch_or_completion_erases_or_shreds()
            throws Exception {
        String email = Addresses.realistic(11, "waiting").get(10);
        fakes.heldByHubSpotAndMailchimp(email);
        consent(email, "email_marketing", "granted", null);
        fakes.hubspotAlways(VendorFakes.HUBSPOT_GDPR_DELETE, io.lethe.demo.sandbox.SandboxResponse.json(400,
                "{\"status\":\"error\",\"message\":\"Invalid input\",\"category\":\"VALIDATION_ERROR\"}"));
        String id = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email)).json()
                .path("requestId").asText();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(hubspotCommand(id)).isEqualTo("action_required");
            assertThat(request(id).path("status").asText()).isEqualTo("action_required");
        });
        fakes.reset(); // the cause is "fixed": HubSpot would erase now
        fakes.heldByHubSpotAndMailchimp(email);
        String subject = request(id).path("subjectId").asText();
        Response placed = api.post("/api/v1/subjects/" + subject + "/hold", ADMIN_KEY, "{\"reason\":\"Tax audit\"}");
        assertThat(placed.status()).isEqualTo(201);
        // The hold is recorded on the erasure that waited for a person.
        assertThat(outcomes("requestId=" + id)).contains("legal-hold:held");

        // "Send again" is refused, in the console (with the reason) and below it.
        long hubspot = command(id, "hubspot");
        String admin = signIn(ADMIN_KEY);
        String csrf = page(admin, "/console/retention").select("#place-hold input[name=csrf]").attr("value");
        var refused = post(admin, "/console/commands/" + hubspot + "/resend", csrf, "");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("legal hold");
        RequestService requests = context.getRegistry().lookupByNameAndType("requestService", RequestService.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> requests.resend(hubspot, "test"))
                .isInstanceOf(io.lethe.dispatch.SubjectHolds.HeldException.class);
        assertThat(hubspotCommand(id)).isEqualTo("action_required");

        // Whatever puts the erase back (here: what "Send again" did before), dispatch does not send it and the
        // request's end does not shred the held subject: it goes back to action_required with the hold recorded.
        sql("update outbox_command set status = 'pending', attempts = 0, outcome = null, detail = null,"
                + " request_advanced_at = null, dpo_alerted_at = null, not_before = ? where id = ?",
                java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC), hubspot);
        sql("update dsr_vendor set status = 'queued' where request_id = ? and connector = 'hubspot'", id);
        sql("update dsr set status = 'in_progress' where id = ?", id);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(hubspotCommand(id)).isEqualTo("skipped");
            assertThat(outcomes("requestId=" + id)).contains("hubspot:skipped")
                    .filteredOn(o -> o.equals("legal-hold:held")).hasSize(2);
            assertThat(request(id).path("status").asText()).isEqualTo("action_required");
        });
        assertThat(fakes.hubspotPosts(VendorFakes.HUBSPOT_GDPR_DELETE)).isEmpty();
        assertThat(fakes.hubspotVendor.contact(email)).isNotNull();
        assertThat(lookup(email)).isEqualTo(200);

        // Released: the erasure the completion stopped restarts and ends as usual.
        assertThat(api.send("DELETE", "/api/v1/subjects/" + subject + "/hold", ADMIN_KEY, "application/json",
                "{\"reason\":\"Audit closed\"}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(lookup(email)).isEqualTo(404);
    }

    @Test
    @Order(6)
    void when_a_holds_until_passes_the_erasures_it_stopped_restart_and_the_dpo_is_told_once() throws Exception {
        String email = Addresses.realistic(13, "until").get(12);
        fakes.heldByHubSpotAndMailchimp(email);
        String subject = consent(email, "email_marketing", "granted", null);
        java.time.Instant until = java.time.Instant.now().plus(Duration.ofDays(1));
        Response placed = api.post("/api/v1/subjects/" + subject + "/hold", ADMIN_KEY,
                "{\"reason\":\"Pending dispute\",\"until\":\"" + until + "\"}");
        assertThat(placed.status()).as(placed.body()).isEqualTo(201);
        String holdId = placed.json().path("holdId").asText();
        Response asked = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email));
        assertThat(asked.json().path("status").asText()).isEqualTo("action_required");
        String id = asked.json().path("requestId").asText();

        io.lethe.breach.AdjustableClock holdClock = context.getRegistry().lookupByNameAndType("holdClock",
                io.lethe.breach.AdjustableClock.class);
        io.lethe.requests.LegalHolds holds = context.getRegistry().lookupByNameAndType("legalHolds",
                io.lethe.requests.LegalHolds.class);
        assertThat(holds.endExpired()).isZero(); // not yet
        holdClock.set(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(2)));
        try {
            assertThat(holds.endExpired()).isEqualTo(1);
            assertThat(holds.endExpired()).isZero(); // once
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        } finally {
            holdClock.set(java.time.Clock.systemUTC());
        }
        assertThat(lookup(email)).isEqualTo(404);
        assertThat(fakes.hubspotVendor.contact(email)).isNull();
        assertThat(outcomes("vendor=legal-hold&subjectId=" + subject)).contains("legal-hold:expired",
                "legal-hold:restarted");
        await().atMost(Duration.ofSeconds(10)).until(() -> dpoMail("legal hold " + holdId + " ended").isPresent());
        assertThat(Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().contains(holdId);
            } catch (Exception e) {
                return false;
            }
        })).hasSize(1);
        String body = com.icegreen.greenmail.util.GreenMailUtil.getBody(dpoMail("legal hold " + holdId).orElseThrow());
        assertThat(body).contains(id, "1 erasure").doesNotContain(email).doesNotContain("Pending dispute");
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
    }

    /** Dates the subject's registration and recorded consent events back to LONG_AGO (the log is append-only). */
    void recordedLongAgo(String subjectId) throws Exception {
        boolean h2 = databaseKind().equals(io.lethe.support.TestDatabase.H2);
        java.time.OffsetDateTime old = java.time.OffsetDateTime.parse(LONG_AGO);
        try (var c = dataSource().getConnection(); var st = c.createStatement()) {
            st.execute(h2 ? "drop trigger consent_event_append_only"
                    : "alter table consent_event disable trigger consent_event_append_only");
            try (var ps = c.prepareStatement("update consent_event set recorded_at = ?, effective_at = ? where"
                    + " subject_id = ?"); var sub = c.prepareStatement("update subject set created_at = ? where id = ?")) {
                ps.setObject(1, old);
                ps.setObject(2, old);
                ps.setString(3, subjectId);
                ps.executeUpdate();
                sub.setObject(1, old);
                sub.setString(2, subjectId);
                sub.executeUpdate();
            } finally {
                st.execute(h2 ? "create trigger consent_event_append_only before update, delete on consent_event"
                        + " for each row call 'io.lethe.db.ConsentEventGuard'"
                        : "alter table consent_event enable trigger consent_event_append_only");
            }
        }
    }

    javax.sql.DataSource dataSource() {
        return context.getRegistry().lookupByNameAndType("registerDataSource", javax.sql.DataSource.class);
    }

    long command(String requestId, String connector) throws Exception {
        try (var c = dataSource().getConnection(); var ps = c.prepareStatement("select id from outbox_command where"
                + " request_id = ? and connector = ?")) {
            ps.setString(1, requestId);
            ps.setString(2, connector);
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getLong(1);
            }
        }
    }

    void sql(String statement, Object... args) throws Exception {
        try (var c = dataSource().getConnection(); var ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    List<String> outcomes(String query) {
        List<String> out = new java.util.ArrayList<>();
        api.get("/api/v1/sync-log?" + query, COMPLIANCE_KEY).json().path("entries").forEach(e -> out.add(
                e.path("vendor").asText() + ":" + e.path("outcome").asText()));
        return out;
    }

    String hubspotCommand(String requestId) throws Exception {
        javax.sql.DataSource ds = context.getRegistry().lookupByNameAndType("registerDataSource",
                javax.sql.DataSource.class);
        try (var c = ds.getConnection(); var ps = c.prepareStatement("select status from outbox_command where"
                + " request_id = ? and connector = 'hubspot'")) {
            ps.setString(1, requestId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    String signIn(String key) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://localhost:" + port + "/console/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "same-origin")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("apiKey=" + key)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    org.jsoup.nodes.Document page(String cookie, String path) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://localhost:" + port + path)).header("Cookie", cookie).GET()
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return org.jsoup.Jsoup.parse(r.body());
    }

    java.net.http.HttpResponse<String> post(String cookie, String path, String csrf, String form) throws Exception {
        String body = (csrf == null ? "" : "csrf=" + java.net.URLEncoder.encode(csrf, "UTF-8") + "&") + form;
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create("http://localhost:" + port + path)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "same-origin")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    JsonNode run(String runId) {
        for (JsonNode run : api.get("/api/v1/retention/runs", COMPLIANCE_KEY).json().path("runs")) {
            if (run.path("runId").asText().equals(runId)) {
                return run;
            }
        }
        throw new AssertionError("no run " + runId);
    }

    java.util.Optional<MimeMessage> dpoMail(String subject) {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().equals(DPO) && m.getSubject().contains(subject);
            } catch (Exception e) {
                return false;
            }
        }).findFirst();
    }
}
