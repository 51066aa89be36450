package io.lethe.evidence;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.cli.ExitCodes;
import io.lethe.cli.LetheCommandAccess;
import io.lethe.support.Addresses;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Proof for a regulator, end to end: a subject with consent events and an erasure completed at the vendor fakes;
 * its bundle, the request's bundle and a consent receipt, downloaded from the API and the console, verify with
 * {@code lethe evidence verify} offline and against the register, and fail once one byte of the file or of the
 * database changes.
 */
abstract class EvidenceTest extends HubTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    VendorFakes fakes;
    String email;
    String subjectId;
    String requestId;
    String eventId;
    Path work;
    Path jwks;
    Path receipt;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        return fakes.hubProperties();
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    /** Once per class, after the hub started (the test support starts it before each test, once). */
    @BeforeEach
    void aSubjectWithConsentsAndACompletedErasure() throws Exception {
        if (jwks != null) {
            return;
        }
        work = Files.createTempDirectory("lethe-evidence-");
        email = Addresses.realistic(1, "evidence").get(0);
        fakes.heldByHubSpotAndMailchimp(email);
        fakes.salesforceErasableContact(email, "003000000000077AAA");
        Response granted = api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "granted",
                 "lawfulBasis": "consent", "source": "web-form", "capturedAt": "2026-11-28T10:00:00Z",
                 "evidence": {"noticeVersion": "2026-01", "ip": "203.0.113.77", "userAgent": "Mozilla/5.0 (X11)"}}"""
                .formatted(email));
        assertThat(granted.status()).isEqualTo(201);
        subjectId = granted.json().path("subjectId").asText();
        eventId = granted.json().path("eventId").asText();
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "analytics", "status": "granted",
                 "evidence": {"noticeVersion": "2026-01", "ip": "203.0.113.77"}}""".formatted(email)).status())
                .isEqualTo(201);
        // The receipt while the evidence is still readable (the erasure shreds it).
        Response r = api.get("/api/v1/consents/" + eventId + "/receipt", COMPLIANCE_KEY);
        assertThat(r.status()).isEqualTo(200);
        receipt = Files.writeString(work.resolve("receipt.jws"), r.body());

        Response filed = api.post("/api/v1/requests", ADMIN_KEY, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email));
        assertThat(filed.status()).isEqualTo(202);
        requestId = filed.json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.get("/api/v1/requests/"
                + requestId, COMPLIANCE_KEY).json().path("status").asText()).isEqualTo("completed"));
        Response keys = api.get("/api/v1/signing-keys", MARKETER_KEY);
        assertThat(keys.status()).isEqualTo(200);
        assertThat(keys.contentType()).startsWith("application/jwk-set+json");
        jwks = Files.writeString(work.resolve("signing-keys.json"), keys.body());
    }

    @Test
    void both_bundles_and_the_receipt_verify_offline_and_against_the_register() throws Exception {
        long accessesBefore = database.count("personal_data_access");
        Response subject = api.get("/api/v1/subjects/" + subjectId + "/evidence", COMPLIANCE_KEY);
        assertThat(subject.status()).isEqualTo(200);
        assertThat(subject.contentType()).startsWith("application/jose");
        Response request = api.get("/api/v1/requests/" + requestId + "/evidence", ADMIN_KEY);
        assertThat(request.status()).isEqualTo(200);
        assertThat(database.count("personal_data_access")).isEqualTo(accessesBefore + 2);

        JsonNode bundle = payload(subject.body());
        assertThat(bundle.path("format").asText()).isEqualTo(EvidenceBundles.FORMAT);
        assertThat(bundle.path("personalData").asBoolean()).isTrue();
        assertThat(bundle.path("consentHistory")).hasSize(2);
        assertThat(bundle.path("consentHistory").get(0).path("evidence").path("erased").asBoolean()).isTrue();
        assertThat(bundle.path("syncLog").findValuesAsText("vendor")).contains("hubspot", "mailchimp", "salesforce");
        assertThat(bundle.path("requests").get(0).path("timeline").findValuesAsText("event")).contains("received");
        assertThat(bundle.toString()).doesNotContain(email);
        JsonNode ofRequest = payload(request.body());
        assertThat(ofRequest.path("kind").asText()).isEqualTo("request");
        assertThat(ofRequest.path("syncLog").findValuesAsText("requestId")).containsOnly(requestId);
        JsonNode receiptPayload = payload(Files.readString(receipt));
        assertThat(receiptPayload.path("schema_version").asText()).isEqualTo("ISO/IEC TS 27560:2023");
        assertThat(receiptPayload.path("record_id").asText()).isEqualTo(eventId);
        assertThat(receiptPayload.path("pii_principal_id").asText()).isEqualTo(subjectId);
        assertThat(receiptPayload.path("state").asText()).isEqualTo("given");
        assertThat(receiptPayload.path("notice").path("notice_id").asText()).isEqualTo("2026-01");
        assertThat(receiptPayload.path("evidence").path("ip").asText()).isEqualTo("203.0.113.77");

        for (Path file : List.of(save("subject.jws", subject.body()), save("request.jws", request.body()), receipt)) {
            assertThat(cli("evidence", "verify", file.toString(), "--jwks", jwks.toString())).as(lastOut)
                    .isEqualTo(ExitCodes.OK);
            assertThat(lastOut).contains("passed", "not checked").doesNotContain("203.0.113.77");
            assertThat(cliWithDatabase(file)).as(lastOut).isEqualTo(ExitCodes.OK);
            assertThat(lastOut).doesNotContain("not checked", "failed");
        }
    }

    @Test
    void one_byte_changed_in_the_file_or_in_the_database_fails() throws Exception {
        Path file = save("tamper.jws", api.get("/api/v1/requests/" + requestId + "/evidence", COMPLIANCE_KEY).body());
        byte[] bytes = Files.readAllBytes(file);
        int at = bytes.length / 2;
        bytes[at] = (byte) (bytes[at] == 'A' ? 'B' : 'A');
        Path tampered = Files.write(work.resolve("tampered.jws"), bytes);
        assertThat(cli("evidence", "verify", tampered.toString(), "--jwks", jwks.toString()))
                .isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(lastOut).contains("signature");

        long seq = payload(Files.readString(file)).path("syncLog").get(0).path("seq").asLong();
        String outcome = outcomeOf(seq);
        execute("update sync_log set outcome = ? where seq = ?", outcome.substring(0, outcome.length() - 1) + "X", seq);
        try {
            // Offline the file still verifies: only the register shows the change.
            assertThat(cli("evidence", "verify", file.toString(), "--jwks", jwks.toString())).isEqualTo(ExitCodes.OK);
            assertThat(cliWithDatabase(file)).isEqualTo(ExitCodes.VERIFICATION_FAILED);
            assertThat(lastOut).contains("chain", "seq " + seq);
            // And the hub issues no new evidence over a log that does not verify.
            Response refused = api.get("/api/v1/subjects/" + subjectId + "/evidence", COMPLIANCE_KEY);
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.contentType()).startsWith("application/problem+json");
        } finally {
            execute("update sync_log set outcome = ? where seq = ?", outcome, seq);
        }
        assertThat(cliWithDatabase(file)).as(lastOut).isEqualTo(ExitCodes.OK);
    }

    @Test
    void only_compliance_and_admin_get_evidence_and_unknown_ids_are_404() {
        assertThat(api.get("/api/v1/subjects/" + subjectId + "/evidence", MARKETER_KEY).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/requests/" + requestId + "/evidence", INTAKE_KEY).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/consents/" + eventId + "/receipt", INTAKE_KEY).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/consents/" + eventId + "/receipt", MARKETER_KEY).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/signing-keys", null).status()).isEqualTo(401);
        String unknown = "00000000-0000-4000-8000-000000000000";
        Response none = api.get("/api/v1/subjects/" + unknown + "/evidence", COMPLIANCE_KEY);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/requests/" + unknown + "/evidence", COMPLIANCE_KEY).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/consents/" + unknown + "/receipt", COMPLIANCE_KEY).status()).isEqualTo(404);
    }

    @Test
    void the_console_links_the_downloads_and_they_verify() throws Exception {
        String cookie = signIn(COMPLIANCE_KEY);
        HttpResponse<String> page = console("GET", "/console/requests/" + requestId, cookie, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("href=\"/console/requests/" + requestId + "/evidence\"");
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> opened = console("POST", "/console/subjects/" + subjectId + "/open", cookie,
                "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&reason="
                        + URLEncoder.encode("regulator asked for proof", StandardCharsets.UTF_8));
        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(opened.body()).contains("href=\"/console/subjects/" + subjectId + "/evidence\"",
                "href=\"/console/consents/" + eventId + "/receipt\"");

        for (String path : List.of("/console/requests/" + requestId + "/evidence",
                "/console/subjects/" + subjectId + "/evidence", "/console/consents/" + eventId + "/receipt")) {
            HttpResponse<String> download = console("GET", path, cookie, null);
            assertThat(download.statusCode()).as(path).isEqualTo(200);
            assertThat(download.headers().firstValue("Content-Disposition").orElseThrow()).contains("attachment");
            assertThat(download.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
            Path file = save("console.jws", download.body());
            assertThat(cli("evidence", "verify", file.toString(), "--jwks", jwks.toString())).as(lastOut)
                    .isEqualTo(ExitCodes.OK);
        }
        String marketer = signIn(MARKETER_KEY);
        assertThat(console("GET", "/console/subjects/" + subjectId + "/evidence", marketer, null).statusCode())
                .isEqualTo(403);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    String lastOut = "";

    int cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = LetheCommandAccess.execute(new PrintWriter(out, true, StandardCharsets.UTF_8), args);
        lastOut = out.toString(StandardCharsets.UTF_8);
        return code;
    }

    int cliWithDatabase(Path file) {
        List<String> all = new ArrayList<>(List.of("evidence", "verify", file.toString(), "--database"));
        all.add("-Dlethe.db.url=" + database.url());
        all.add("-Dlethe.db.user=" + database.user());
        all.add("-Dlethe.db.password=" + database.password());
        all.add("-Dlethe.data-dir=" + dataDir);
        return cli(all.toArray(String[]::new));
    }

    Path save(String name, String body) throws Exception {
        return Files.writeString(work.resolve(name), body);
    }

    static JsonNode payload(String jws) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jws.strip().split("\\.")[1]));
    }

    String outcomeOf(long seq) throws Exception {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "select outcome from sync_log where seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    void execute(String sql, Object... args) throws Exception {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    String signIn(String key) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + port + "/console/sign-in")).header("Content-Type",
                "application/x-www-form-urlencoded").header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.ofString("apiKey=" + URLEncoder.encode(key, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(303);
        return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    HttpResponse<String> console(String method, String path, String cookie, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Cookie", cookie).header("Sec-Fetch-Site", "same-origin");
        if (form == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://localhost:" + port)
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
