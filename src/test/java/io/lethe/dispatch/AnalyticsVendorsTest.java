package io.lethe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.lethe.demo.sandbox.AmplitudeBehaviour;
import io.lethe.demo.sandbox.Ga4Behaviour;
import io.lethe.demo.sandbox.MixpanelBehaviour;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.demo.sandbox.SegmentBehaviour;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.spec.VendorSpec;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The four analytics vendors end to end through the hub's API, found by the subject's externalId: an erasure stays
 * in_progress until every vendor's job has finished; a failed job makes the request action_required with one DPO
 * e-mail; a withdrawal suppresses at Segment, is skipped with the reason where the vendor has no server-side opt-out,
 * and deletes where the connector's eraseOnWithdrawal says so (Amplitude here). Mixpanel's requests are checked
 * against Mixpanel's own spec.
 */
class AnalyticsVendorsTest extends HubTestSupport {

    static final String DPO = "data.protection.officer@example-company.co.uk";
    static final ObjectMapper JSON = new ObjectMapper();

    SegmentBehaviour segment;
    MixpanelBehaviour mixpanel;
    AmplitudeBehaviour amplitude;
    Ga4Behaviour ga4;
    List<SandboxServer> sandboxes;
    VendorSpec mixpanelSpec;
    GreenMail mail;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        segment = new SegmentBehaviour("sgp-test", Clock.systemUTC(), null, SegmentBehaviour.MONTHLY_USERS);
        mixpanel = new MixpanelBehaviour("mp-oauth", "mp-project", Clock.systemUTC(), null, 1);
        amplitude = new AmplitudeBehaviour("amp-key", "amp-secret", Clock.systemUTC(), null, 1);
        ga4 = new Ga4Behaviour();
        sandboxes = new ArrayList<>(); // set up before the constructor's field initialisers have run
        Properties p = new Properties();
        for (var b : List.of(segment, mixpanel, amplitude, ga4)) {
            SandboxServer s = SandboxServer.start(b);
            sandboxes.add(s);
            p.putAll(b.hubSettings(s.baseUrl()));
        }
        mixpanelSpec = VendorSpec.load("mixpanel/gdpr.openapi.yaml", "/api/app").attachTo(sandboxes.get(1));
        mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        p.put("lethe.connectors", "segment,mixpanel,amplitude,ga4");
        p.put("lethe.amplitude.erase-on-withdrawal", "true");
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.dpo.email", DPO);
        p.put("lethe.jobs.first-poll-after", "1s");
        p.put("lethe.jobs.max-poll-interval", "2s");
        p.put("lethe.jobs.check-ms", "200");
        return p;
    }

    @AfterAll
    void stopSandboxes() {
        sandboxes.forEach(SandboxServer::close);
        mail.stop();
    }

    @BeforeEach
    void cleanJournal() throws Exception {
        mail.purgeEmailFromAllMailboxes();
    }

    /** A person every vendor holds, with analytics granted; returns the subjectId. */
    String person(String email, String externalId) {
        for (var b : List.of(segment, mixpanel, amplitude, ga4)) {
            b.seed(email, externalId);
        }
        return api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s", "externalId": "%s"}, "purpose": "analytics", "status": "granted"}"""
                .formatted(email, externalId)).json().path("subjectId").asText();
    }

    String file(String type, String regulation, String email, String extra) {
        var r = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "%s", "regulation": "%s", "subject": {"email": "%s"}%s}"""
                .formatted(type, regulation, email, extra));
        assertThat(r.status()).isEqualTo(202);
        return r.json().path("requestId").asText();
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

    String vendorStatus(String id, String vendor) {
        for (JsonNode v : request(id).path("vendors")) {
            if (v.path("vendor").asText().equals(vendor)) {
                return v.path("status").asText();
            }
        }
        return null;
    }

    String vendorDetail(String id, String vendor) {
        for (JsonNode v : request(id).path("vendors")) {
            if (v.path("vendor").asText().equals(vendor)) {
                return v.path("detail").asText();
            }
        }
        return null;
    }

    /** The vendors' jobs exist (only then can the test finish them). */
    void awaitSubmitted(String id, String... vendors) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String v : vendors) {
                assertThat(vendorStatus(id, v)).as(v).isEqualTo("submitted");
            }
        });
    }

    void completeAllJobs() {
        segment.completeJobs();
        mixpanel.completeJobs();
        amplitude.completeJobs();
    }

    @Test
    void aMixpanelBatchMixingGdprAndCcpaGoesInOneDeletionPerRegulation() throws Exception {
        // Straight through the engine (the hub's own call routes), as dispatch runs one claimed batch.
        var engine = context.getRegistry().lookupByNameAndType("connectorEngine",
                io.lethe.connectors.engine.ConnectorEngine.class);
        var connector = context.getRegistry().lookupByNameAndType("connectors", io.lethe.connectors.Connectors.class)
                .enabled("mixpanel").orElseThrow();
        List<io.lethe.connectors.Target> targets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = "crm-mixed-%06d".formatted(i);
            mixpanel.seed(Addresses.realistic(6, "mixed").get(i), id);
            targets.add(new io.lethe.connectors.Target(70_000 + i, "subject-" + i, "erase", null, List.of(),
                    List.of(id), java.util.Map.of(), "req-" + i, i % 2 == 0 ? "gdpr" : "ccpa"));
        }
        int before = sandboxes.get(1).requests("POST", "/api/app/data-deletions/v3.0").size();
        var outcomes = engine.run(connector, "erase", targets);
        assertThat(outcomes).hasSize(6).allMatch(o -> o.outcome().equals("submitted"));
        List<JsonNode> calls = new ArrayList<>();              // distinct bodies: a 429 (1 a second) is sent again
        for (String body : sandboxes.get(1).requests("POST", "/api/app/data-deletions/v3.0").stream().skip(before)
                .map(r -> r.bodyText()).distinct().toList()) {
            calls.add(JSON.readTree(body));
        }
        assertThat(calls).hasSize(2);
        for (JsonNode call : calls) {
            String type = call.path("compliance_type").asText();
            assertThat(call.path("distinct_ids")).hasSize(3).allMatch(id -> {
                int n = Integer.parseInt(id.asText().substring("crm-mixed-".length()));
                return type.equals(n % 2 == 0 ? "GDPR" : "CCPA");
            });
        }
        assertThat(calls).extracting(c -> c.path("compliance_type").asText()).containsExactlyInAnyOrder("GDPR", "CCPA");
        mixpanelSpec.assertNoViolations();
    }

    @Test
    void anAccessRequestCarriesMixpanelsExportFileLinkIntoTheAccessPackage() throws Exception {
        String email = Addresses.realistic(2, "analytics-access").get(1);
        person(email, "crm-access-000512");
        String id = file("access", "gdpr", email, "");
        awaitSubmitted(id, "mixpanel");
        completeAllJobs();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(vendorStatus(id, "mixpanel")).isEqualTo("completed");
        JsonNode records = api.get("/api/v1/requests/" + id + "/export", ADMIN_KEY).json()
                .path("vendors").path("mixpanel").path("records");
        String link = records.asText();
        assertThat(link).contains("/api/app/_exports/");
        mixpanelSpec.assertNoViolations();
        // the link is the file of this person's own retrieval task (one task per person)
        var task = mixpanel.jobs().all().stream().filter(j -> j.ids.contains("crm-access-000512")).findFirst()
                .orElseThrow();
        assertThat(task.ids).containsExactly("crm-access-000512");
        assertThat(link).endsWith("/_exports/" + task.id);
        // the sync log holds no link (the file is personal data)
        assertThat(api.get("/api/v1/sync-log?requestId=" + id, COMPLIANCE_KEY).body()).doesNotContain("_exports");
    }

    @Test
    void anErasureStaysInProgressUntilEveryVendorsJobHasFinished() throws Exception {
        String email = Addresses.realistic(1, "analytics-erase").get(0);
        person(email, "crm-erase-000417");
        String id = file("erasure", "ccpa", email, "");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(vendorStatus(id, "segment")).isEqualTo("submitted");
            assertThat(vendorStatus(id, "mixpanel")).isEqualTo("submitted");
            assertThat(vendorStatus(id, "amplitude")).isEqualTo("submitted");
            assertThat(vendorStatus(id, "ga4")).isEqualTo("completed");   // no status endpoint: accepted is all
        });
        Thread.sleep(2_500); // several status polls: the jobs still run
        assertThat(request(id).path("status").asText()).isEqualTo("in_progress");
        assertThat(ga4.deletionRequested()).contains("crm-erase-000417");

        completeAllJobs();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(request(id).path("vendors").findValuesAsText("status")).containsOnly("completed");
        assertThat(segment.holds("crm-erase-000417")).isFalse();
        assertThat(mixpanel.holds("crm-erase-000417")).isFalse();
        assertThat(amplitude.holds("crm-erase-000417")).isFalse();
        assertThat(amplitude.requesters()).contains(DPO);
        assertThat(body(1, "/api/app/data-deletions/v3.0", "crm-erase-000417")).contains("\"compliance_type\":\"CCPA\"");
        assertThat(body(0, "/regulations", "crm-erase-000417")).contains("SUPPRESS_WITH_DELETE");
        mixpanelSpec.assertNoViolations();
        // the sync log names the job, never the externalId
        String log = api.get("/api/v1/sync-log?requestId=" + id, COMPLIANCE_KEY).body();
        assertThat(log).doesNotContain("crm-erase-000417").doesNotContain(email);
    }

    @Test
    void aFailedJobMakesTheRequestActionRequiredWithOneDpoEmail() throws Exception {
        String email = Addresses.realistic(1, "analytics-fail").get(0);
        person(email, "crm-fail-000881");
        segment.jobs().failNext(1);
        String id = file("erasure", "gdpr", email, "");
        awaitSubmitted(id, "segment", "mixpanel", "amplitude");
        completeAllJobs();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("action_required"));
        assertThat(vendorStatus(id, "segment")).isEqualTo("action_required");
        assertThat(vendorDetail(id, "segment")).contains("FAILED");
        await().atMost(Duration.ofSeconds(20)).until(() -> dpoMails("action required at segment").size() == 1);
        Thread.sleep(1_500);
        List<MimeMessage> alerts = dpoMails("action required at segment");
        assertThat(alerts).hasSize(1);
        assertThat(GreenMailUtil.getBody(alerts.get(0))).doesNotContain("crm-fail-000881").doesNotContain(email);
    }

    @Test
    void aWithdrawalSuppressesAtSegmentIsSkippedWithoutAnOptOutAndErasesWhereConfigured() throws Exception {
        String email = Addresses.realistic(1, "analytics-object").get(0);
        person(email, "crm-object-000052");
        String id = file("objection", "gdpr", email, ", \"purposes\": [\"analytics\"]");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(vendorStatus(id, "segment")).isEqualTo("submitted");
            assertThat(vendorStatus(id, "amplitude")).isEqualTo("submitted");
            assertThat(vendorStatus(id, "mixpanel")).isEqualTo("skipped");
            assertThat(vendorStatus(id, "ga4")).isEqualTo("skipped");
        });
        awaitSubmitted(id, "segment", "amplitude");
        assertThat(vendorDetail(id, "mixpanel")).contains("no server-side opt-out");
        assertThat(vendorDetail(id, "ga4")).contains("no server-side opt-out");
        assertThat(sandboxes.get(0).requests("POST", "/regulations").stream().map(r -> r.bodyText())
                .filter(b -> b.contains("crm-object-000052")).findFirst().orElseThrow()).contains("SUPPRESS_ONLY");
        assertThat(sandboxes.get(2).requests("POST", "/api/2/deletions/users").stream()
                .anyMatch(r -> r.bodyText().contains("crm-object-000052"))).isTrue();
        completeAllJobs();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("completed"));
        assertThat(segment.suppressed("crm-object-000052")).isTrue();
        assertThat(segment.holds("crm-object-000052")).isTrue();        // suppressed, history kept
        assertThat(amplitude.holds("crm-object-000052")).isFalse();     // eraseOnWithdrawal: history deleted
        assertThat(mixpanel.holds("crm-object-000052")).isTrue();
    }

    /** The body of the sandbox's POST to {@code path} that carried {@code id}. */
    String body(int sandbox, String path, String id) {
        return sandboxes.get(sandbox).requests("POST", path).stream().map(r -> r.bodyText()).filter(b -> b.contains(id))
                .findFirst().orElseThrow();
    }

    List<MimeMessage> dpoMails(String subjectPart) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : mail.getReceivedMessages()) {
            if (m.getSubject() != null && m.getSubject().contains(subjectPart)
                    && m.getAllRecipients()[0].toString().equals(DPO)) {
                found.add(m);
            }
        }
        return found;
    }

}
