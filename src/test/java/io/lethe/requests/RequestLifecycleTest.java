package io.lethe.requests;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests advance after dispatch commits, in a transaction of their own (routes/lifecycle.camel.yaml): dispatch's
 * transaction holds only command results and sync-log entries, and what the hand-off misses the sweep takes later.
 */
abstract class RequestLifecycleTest extends HubTestSupport {

    VendorFakes fakes;
    GreenMail mail;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        Properties p = fakes.hubProperties();
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.dpo.email", "dpo@example.org");
        p.put("lethe.public-url", "http://localhost:" + port);
        p.put("lethe.requests.lifecycle-sweep-ms", "300");
        p.put("lethe.mail.poll-ms", "100");
        return p;
    }

    @AfterAll
    void stop() {
        fakes.close();
        mail.stop();
    }

    @BeforeEach
    void reset() throws Exception {
        fakes.reset();
        mail.purgeEmailFromAllMailboxes();
    }

    @Test
    void dispatch_commits_results_only_and_the_sweep_advances_a_request_whose_hand_off_a_crash_lost() throws Exception {
        String email = "lifecycle.crash.between.transactions@example.com";
        consentFor(email);
        // (a short timeout: the seda consumer would otherwise wait out the default graceful-shutdown period)
        context.getRouteController().stopRoute("request-lifecycle", 1, TimeUnit.SECONDS);
        context.getRouteController().stopRoute("request-lifecycle-sweep", 1, TimeUnit.SECONDS);
        try {
            String id = fileErasure(email);
            // Dispatch is done at every vendor and committed its results and log entries...
            await().atMost(Duration.ofSeconds(20)).until(() -> unfinishedCommands(id) == 0 && !commandStatuses(id).isEmpty());
            assertThat(commandStatuses(id)).containsOnly("done");
            assertThat(api.get("/api/v1/sync-log?requestId=" + id, COMPLIANCE_KEY).json().path("entries")
                    .findValuesAsText("vendor")).contains("hubspot", "mailchimp", "salesforce");
            // ...but the request has not moved: its status change is no part of dispatch's transaction.
            JsonNode r = request(id);
            assertThat(r.path("status").asText()).isEqualTo("in_progress");
            assertThat(r.path("vendors").findValuesAsText("status")).containsOnly("queued");
            assertThat(lookup(email)).isEqualTo(200); // not shredded yet

            // The hub "dies" between the two transactions: the in-memory hand-off is gone.
            context.getEndpoint("seda:request-lifecycle", SedaEndpoint.class).purgeQueue();
            context.getRouteController().startRoute("request-lifecycle-sweep");

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(request(id).path("status").asText()).isEqualTo("completed"));
            assertThat(request(id).path("vendors").findValuesAsText("status")).doesNotContain("queued");
            assertThat(lookup(email)).isEqualTo(404); // the erasure's end ran: the subject is shredded
            await().atMost(Duration.ofSeconds(10)).until(() -> completionMails(email) == 1);
            Thread.sleep(1000); // the sweep keeps running: it must not finish the request twice
            assertThat(completionMails(email)).isEqualTo(1);
            assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
        } finally {
            context.getRouteController().startRoute("request-lifecycle");
            context.getRouteController().startRoute("request-lifecycle-sweep");
        }
    }

    @Test
    void a_failing_lifecycle_step_keeps_the_vendor_results_and_the_sweep_finishes_the_request_later() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        AdviceWith.adviceWith(context, "advance-request", a -> a.weaveById("advance-request-step").before()
                .process(exchange -> {
                    if (failures.getAndIncrement() == 0) {
                        throw new IllegalStateException("the database went away for a moment");
                    }
                }));
        String email = "lifecycle.step.fails.once@example.com";
        consentFor(email);
        String id = fileErasure(email);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(failures.get()).isGreaterThanOrEqualTo(2); // failed once, then the route or the sweep took it
        assertThat(commandStatuses(id)).containsOnly("done"); // nothing rescheduled or redone at a vendor
        assertThat(fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_GDPR_DELETE)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> completionMails(email) == 1);
    }

    private void consentFor(String email) {
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "analytics", "status": "granted",
                 "evidence": {"ip": "198.51.100.4", "noticeVersion": "v1"}}""".formatted(email)).status())
                .isEqualTo(201);
    }

    private String fileErasure(String email) {
        var filed = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email));
        assertThat(filed.status()).isEqualTo(202);
        return filed.json().path("requestId").asText();
    }

    private JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

    private int lookup(String email) {
        return api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"" + email + "\"}").status();
    }

    /** Completion mails (config/mail/completion.txt) received by the person. */
    private long completionMails(String email) {
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().equals(email)
                        && m.getSubject().startsWith("Your request is complete");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).count();
    }

    private List<String> commandStatuses(String requestId) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "select status from outbox_command where request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private long unfinishedCommands(String requestId) throws Exception {
        return commandStatuses(requestId).stream().filter(s -> s.equals("pending") || s.equals("in_flight")).count();
    }
}
