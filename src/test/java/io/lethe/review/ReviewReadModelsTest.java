package io.lethe.review;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.lethe.reconcile.ReconcileRuns;
import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The console's read models on a whole hub (HubSpot's sandbox enabled), seeded through the API where it can be and by
 * SQL where only time can (a consent two years old, an overdue request, a command stuck for hours). H2 and PostgreSQL.
 */
abstract class ReviewReadModelsTest extends HubTestSupport {

    VendorFakes fakes;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "hubspot");
        return p;
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    String consent(String email, String externalId, String status, String capturedAt) {
        String body = "{\"subject\":{\"email\":\"" + email + "\"" + (externalId == null ? "" : ",\"externalId\":\""
                + externalId + "\"") + "},\"purpose\":\"email_marketing\",\"status\":\"" + status + "\""
                + ",\"lawfulBasis\":\"consent\",\"source\":\"web-form\",\"capturedAt\":\"" + capturedAt + "\""
                + ",\"evidence\":{\"noticeVersion\":\"2026-01\",\"ip\":\"203.0.113.7\",\"userAgent\":\"Firefox/140\"}}";
        var r = api.post("/api/v1/consents", ADMIN_KEY, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    String fileAccessRequest(String email) {
        var r = api.post("/api/v1/requests", ADMIN_KEY, "{\"type\":\"access\",\"regulation\":\"gdpr\",\"subject\":"
                + "{\"email\":\"" + email + "\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("requestId").asText();
    }

    void sql(String statement, Object... args) {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof Instant t ? t.atOffset(ZoneOffset.UTC) : args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_subject_is_found_by_either_identity_and_opening_it_is_logged_with_its_reason() {
        List<String> emails = Addresses.realistic(97, "subjectfile");
        String email = emails.get(96); // the 254-character one
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String subjectId = consent(email, "crm-4711", "granted", Instant.now().minus(Duration.ofHours(2))
                .truncatedTo(ChronoUnit.SECONDS).toString());
        consent(email, null, "withdrawn", now);
        String requestId = fileAccessRequest(email);
        SubjectFile file = bean("subjectFile", SubjectFile.class);
        PersonalDataAccessLog log = bean("personalDataAccessLog", PersonalDataAccessLog.class);

        assertThat(file.find(IdentityKind.EMAIL, "  " + email.toUpperCase() + " ")).contains(subjectId);
        assertThat(file.find(IdentityKind.EXTERNAL_ID, "crm-4711")).contains(subjectId);
        assertThat(file.find(IdentityKind.EXTERNAL_ID, "crm-0000")).isEmpty();
        assertThat(file.find(IdentityKind.EMAIL, "not an address")).isEmpty();
        assertThat(file.current(subjectId).orElseThrow()).singleElement()
                .satisfies(s -> assertThat(s.status().wire()).isEqualTo("withdrawn"));

        assertThatThrownBy(() -> file.open(subjectId, "compliance", "compliance", "  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThat(log.page(null, subjectId, 10)).isEmpty();

        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/subjects/" + subjectId + "/vendors",
                COMPLIANCE_KEY).json().path("vendors").findValuesAsText("status").contains("done"));
        SubjectFile.Opened opened = file.open(subjectId, "compliance", "compliance",
                "Art. 15 request of 1 Dec, checking the history").orElseThrow();
        assertThat(opened.history()).extracting(e -> e.status().wire()).containsExactly("granted", "withdrawn");
        assertThat(opened.history().get(0).evidence().ip()).isEqualTo("203.0.113.7");
        assertThat(opened.requests()).extracting(r -> r.id()).containsExactly(requestId);
        assertThat(opened.vendors()).singleElement().satisfies(v -> {
            assertThat(v.connector()).isEqualTo("hubspot");
            assertThat(v.status().finished()).isTrue();
        });
        assertThat(opened.logged().reason()).isEqualTo("Art. 15 request of 1 Dec, checking the history");
        assertThat(file.open("00000000-0000-0000-0000-000000000000", "compliance", "compliance", "just looking around"))
                .isEmpty();

        file.open(subjectId, "admin", "admin", "second look: the DPO asked for it");
        List<PersonalDataAccessLog.Entry> entries = log.page(null, subjectId, 1000);
        assertThat(entries).extracting(PersonalDataAccessLog.Entry::viewer).containsExactly("admin", "compliance");
        assertThat(entries.get(1)).satisfies(e -> {
            assertThat(e.viewer()).isEqualTo("compliance");
            assertThat(e.viewerRole()).isEqualTo("compliance");
            assertThat(e.subjectId()).isEqualTo(subjectId);
            assertThat(e.reason()).isEqualTo("Art. 15 request of 1 Dec, checking the history");
        });
        assertThat(log.page(entries.get(0).seq(), subjectId, 1)).singleElement()
                .satisfies(e -> assertThat(e.seq()).isLessThan(entries.get(0).seq()));
        // evidence of who looked: neither changed nor removed
        assertThatThrownBy(() -> sql("update personal_data_access set reason = 'nothing'"))
                .hasRootCauseInstanceOf(SQLException.class);
        assertThatThrownBy(() -> sql("delete from personal_data_access")).hasRootCauseInstanceOf(SQLException.class);
    }

    @Test
    void the_risk_report_lists_each_kind_of_risk_by_subject_id_only() {
        List<String> emails = Addresses.realistic(5, "risk");
        ConsentRegister register = bean("consentRegister", ConsentRegister.class);
        String unconsented = register.resolveSubject(Map.of(IdentityKind.EMAIL, emails.get(0))).orElseThrow();
        String stale = consent(emails.get(1), null, "granted", "2023-03-01T10:00:00Z");
        String fresh = consent(emails.get(2), null, "granted", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        String overdue = fileAccessRequest(emails.get(2));
        sql("update dsr set due_at = ?, status = 'pending' where id = ?", Instant.now().minus(Duration.ofDays(2)), overdue);
        String waiting = fileAccessRequest(emails.get(1));
        sql("update dsr set status = 'action_required' where id = ?", waiting);
        sql("insert into outbox_command (connector, subject_id, action, purpose, status, attempts, not_before, outcome,"
                + " created_at, updated_at) values ('mailchimp', ?, 'opt_out', 'email_marketing', 'pending', 7, ?,"
                + " 'failed', ?, ?)", fresh, Instant.now().plus(Duration.ofMinutes(5)),
                Instant.now().minus(Duration.ofHours(3)), Instant.now().minus(Duration.ofMinutes(10)));
        ReconcileRuns runs = bean("reconcileRuns", ReconcileRuns.class);
        String runId = runs.start("mailchimp", true).orElseThrow();
        runs.progress(runId, 40, Map.of("optout_repair", 2L, "unknown_contact", 1L),
                List.of(new ReconcileRuns.Action("optout_repair", stale, "opt_out", "would_send")), 0);
        runs.finish(runId, "completed", null);

        RiskReport report = bean("riskReport", RiskReport.class);
        assertThat(report.section(RiskReport.NO_CONSENT).orElseThrow().table().rows())
                .anyMatch(r -> r.get(0).equals(unconsented)).noneMatch(r -> r.get(0).equals(fresh));
        RiskReport.Section staleSection = report.section(RiskReport.STALE_CONSENT).orElseThrow();
        assertThat(staleSection.title()).contains("24 months");
        assertThat(staleSection.table().rows()).containsExactly(
                List.of(stale, "email_marketing", "2023-03-01T10:00:00Z", "consent"));
        assertThat(report.section(RiskReport.OUT_OF_SYNC).orElseThrow().table().rows())
                .filteredOn(r -> r.get(0).equals("mailchimp")).singleElement()
                .satisfies(r -> assertThat(r).containsExactly("mailchimp", runId, r.get(2), "yes", "2", "0", "0", "1"));
        assertThat(report.section(RiskReport.REQUESTS).orElseThrow().table().rows())
                .extracting(r -> r.get(0) + " " + r.get(3) + " " + r.get(5))
                .contains(overdue + " pending yes", waiting + " action_required no");
        assertThat(report.section(RiskReport.FAILING_COMMANDS).orElseThrow().table().rows())
                .filteredOn(r -> r.get(1).equals("mailchimp")).singleElement()
                .satisfies(r -> assertThat(r.subList(1, 7))
                        .containsExactly("mailchimp", fresh, "opt_out", "email_marketing", "7", "failed"));
        assertThat(report.all()).extracting(RiskReport.Section::id).containsExactlyElementsOf(RiskReport.SECTIONS);
        // subject ids only: no address of these subjects in any cell
        for (RiskReport.Section s : report.all()) {
            s.table().rows().forEach(r -> assertThat(String.join(",", r)).doesNotContain("@"));
        }
    }

    @Test
    void the_data_map_and_the_descriptions_come_from_the_connector_files() {
        Table map = bean("dataMap", DataMap.class).table();
        assertThat(map.header()).containsExactlyElementsOf(DataMap.HEADER);
        assertThat(map.rows()).hasSizeGreaterThanOrEqualTo(13).allSatisfy(r ->
                assertThat(r.get(9)).as(r.get(1) + " declares dataMap.region").isNotEqualTo("not declared"));
        List<String> hubspot = map.rows().get(0); // enabled connectors first
        assertThat(hubspot.subList(0, 4)).containsExactly("HubSpot", "hubspot", "yes", "CRM");
        assertThat(hubspot.get(5)).contains("customers");
        assertThat(hubspot.get(6)).isEqualTo("email_marketing");
        assertThat(hubspot.get(7)).isEqualTo("finds a person by e-mail address");
        assertThat(hubspot.get(8)).isEqualTo(java.net.URI.create(fakes.hubspot.baseUrl()).getHost());
        assertThat(map.rows()).filteredOn(r -> r.get(1).equals("klaviyo")).singleElement()
                .satisfies(r -> assertThat(r.get(8)).isEqualTo("a.klaviyo.com"));
        assertThat(map.rows()).filteredOn(r -> r.get(1).equals("webhook")).singleElement()
                .satisfies(r -> assertThat(r.get(8)).isEqualTo("not configured (LETHE_WEBHOOK_URL)"));
        assertThat(map.rows()).filteredOn(r -> r.get(1).equals("manual")).singleElement()
                .satisfies(r -> assertThat(r.get(8)).isEqualTo("not configured (LETHE_MANUAL_PRIVACY_EMAIL)"));
        assertThat(map.rows()).filteredOn(r -> r.get(1).equals("ga4")).singleElement()
                .satisfies(r -> assertThat(r.get(7)).isEqualTo("finds a person by the subject's external id"));

        ConnectorDescriptions descriptions = bean("connectorDescriptions", ConnectorDescriptions.class);
        ConnectorDescriptions.Description d = descriptions.one("hubspot").orElseThrow();
        assertThat(d.enabled()).isTrue();
        assertThat(d.holds()).contains("contact details");
        assertThat(d.purposes()).containsExactly(new ConnectorDescriptions.PurposeLine("email_marketing",
                "a withdrawal opts the person out (optOut)"));
        assertThat(d.operations()).filteredOn(o -> o.name().equals("optOut")).singleElement().satisfies(o -> {
            assertThat(o.purpose()).isEqualTo("runs the opt-out command");
            assertThat(o.call()).startsWith("POST /communication-preferences/");
            assertThat(o.limits()).contains("up to 100 identities per call",
                    "rate limit default (100 requests per 10 s)");
        });
        assertThat(d.rateLimits()).contains("default: 100 requests per 10 s");
        assertThat(descriptions.all()).extracting(ConnectorDescriptions.Description::id).contains("mailchimp", "manual");

        ReconcileRuns runs = bean("reconcileRuns", ReconcileRuns.class);
        String runId = runs.start("hubspot", false).orElseThrow();
        runs.progress(runId, 12, Map.of("vendor_optout", 3L), List.of(), 0);
        runs.finish(runId, "completed", null);
        assertThat(descriptions.runs("hubspot")).first().satisfies(r -> {
            assertThat(r.runId()).isEqualTo(runId);
            assertThat(r.dryRun()).isFalse();
            assertThat(r.scanned()).isEqualTo(12);
            assertThat(r.drift()).containsEntry("vendor_optout", 3L);
            assertThat(r.driftTotal()).isEqualTo(3);
        });
    }

    @Test
    void the_backlog_over_time_is_read_from_the_outbox_history_and_laid_out_as_a_chart() {
        String subject = consent(Addresses.realistic(1, "backlog").get(0), null, "granted",
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String insert = "insert into outbox_command (connector, subject_id, action, status, not_before, created_at,"
                + " updated_at) values ('segment', ?, 'opt_out', ?, ?, ?, ?)";
        sql(insert, subject, "done", now, now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(1)));
        sql(insert, subject, "pending", now, now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(2)));
        BacklogHistory history = bean("backlogHistory", BacklogHistory.class);
        BacklogHistory.Series series = history.at(List.of(now.minus(Duration.ofMinutes(200)),
                now.minus(Duration.ofMinutes(150)), now.minus(Duration.ofMinutes(90)), now.minus(Duration.ofMinutes(30))));
        assertThat(series.backlog().get("segment")).containsExactly(0L, 1L, 2L, 1L);
        assertThat(history.last(Duration.ofDays(1), 25).at()).hasSize(25);

        BacklogChart.Drawing chart = BacklogChart.of(series);
        assertThat(chart.max()).isEqualTo(2);
        assertThat(chart.lines()).singleElement().satisfies(line -> {
            assertThat(line.vendor()).isEqualTo("segment");
            assertThat(line.now()).isEqualTo(1);
            // x from the left axis to the plot's right edge; y: 0 on the axis, the maximum at the top
            assertThat(line.points().split(" ")).hasSize(4);
            assertThat(line.points().split(" ")[0]).isEqualTo(BacklogChart.LEFT + ".0,"
                    + (BacklogChart.TOP + BacklogChart.PLOT_HEIGHT) + ".0");
            assertThat(line.points().split(" ")[2]).endsWith("," + BacklogChart.TOP + ".0");
        });
        assertThat(BacklogChart.of(new BacklogHistory.Series(List.of(now), Map.of())).empty()).isTrue();
    }
}
