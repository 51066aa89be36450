package io.lethe.mail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.LogCapture;
import io.lethe.support.RefusingGreenMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mail to people and the DPO goes through the durable mail queue: nothing is lost while SMTP is down, a refusal
 * reaches the DPO, and every mail looks like what it is (an automatic message from the sender's domain).
 * The SMTP server is down when the hub starts and comes up during the first test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class MailQueueTest extends HubTestSupport {

    static final String DOMAIN = "hub.lethe-test.example";
    static final String DPO = "data-protection-officer@compliance.lethe-test.example";
    static final String VENDOR = "privacy-office-requests@vendor.lethe-test.example";
    static final String WAITING = "marguerite.lindqvist-oyelaran@correo.lethe-test.example";
    static final String ADMIN_FILED = "bartholomew.achterberg@mailbox.lethe-test.example";
    static final String REFUSED = "refused.recipient-lindholm@correo.lethe-test.example";

    RefusingGreenMail smtp;
    LogCapture logs;

    @Override
    protected Properties extraProperties() {
        int smtpPort = freePort();
        smtp = new RefusingGreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)); // not started
        logs = LogCapture.attach();
        Properties p = new Properties();
        p.put("lethe.smtp.url", "smtp://127.0.0.1:" + smtpPort + "?connectionTimeout=2000");
        p.put("lethe.mail.from", "Privacy Desk <privacy-desk@" + DOMAIN + ">");
        p.put("lethe.dpo.email", DPO);
        p.put("lethe.public-url", "http://localhost:" + port);
        p.put("lethe.mail.poll-ms", "100");
        p.put("lethe.mail.first-backoff-ms", "200");
        p.put("lethe.mail.max-backoff-ms", "800");
        p.put("lethe.mail.alert-after-attempts", "3");
        p.put("lethe.connectors", "manual");
        p.put("lethe.manual.privacy-email", VENDOR);
        p.put("lethe.dispatch.poll-ms", "100");
        p.put("lethe.dispatch.retry-delay-ms", "100");
        p.put("lethe.dispatch.in-place-retries", "1");
        p.put("lethe.dispatch.first-backoff-ms", "300");
        p.put("lethe.dispatch.max-backoff-ms", "1000");
        p.put("lethe.db.pool-size", "4"); // several suites share the test PostgreSQL server
        return p;
    }

    @AfterAll
    void stop() {
        smtp.stop();
        logs.close();
    }

    @Test
    @Order(1)
    void mail_queued_while_smtp_is_down_is_delivered_when_it_is_back_and_the_link_works() throws Exception {
        Response filed = file(INTAKE_KEY, WAITING);
        assertThat(filed.status()).isEqualTo(202);
        assertThat(filed.json().path("status").asText()).isEqualTo("identity_unverified");
        String id = filed.json().path("requestId").asText();
        String adminFiled = file(ADMIN_KEY, ADMIN_FILED).json().path("requestId").asText();

        // Queued with the request and tried: unreachable, so it waits; sealed at rest.
        await().atMost(Duration.ofSeconds(10)).until(() -> mail(id, "verification").map(m ->
                m.path("attempts").asInt() >= 1 && m.path("lastError").asText().contains("unreachable")).orElse(false));
        String stored = new String(sealed(id, "verification"), StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain(WAITING).doesNotContain("/verify/").doesNotContain("confirm");

        // Late after three attempts: counted, and the DPO's alert is queued (it waits for SMTP too).
        await().atMost(Duration.ofSeconds(15)).until(() -> outbox("").path("late").asInt() >= 1
                && outbox("").path("mails").findValuesAsText("kind").contains("dpo-mail-failed"));
        assertThat(outbox("").toString()).doesNotContain(WAITING).doesNotContain(ADMIN_FILED);
        assertThat(request(adminFiled).path("vendors").get(0).path("status").asText()).isEqualTo("queued");

        smtp.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> to(WAITING).size() == 1);
        MimeMessage link = to(WAITING).get(0);
        assertThat(link.getMessageID()).isEqualTo(mailAll(id, "verification").path("messageId").asText());
        Matcher token = Pattern.compile("/verify/([A-Za-z0-9_-]{43})").matcher(GreenMailUtil.getBody(link));
        assertThat(token.find()).isTrue();
        assertThat(GreenMailUtil.getBody(link)).contains("an erasure request");
        assertThat(api.send("POST", "/verify/" + token.group(1), null, "application/x-www-form-urlencoded", "").status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("in_progress"));

        // The receipt of the admin's request and the vendor's e-mail (retried by dispatch) arrive too.
        // (a vendor's mail carries its own secret reference, never the request id)
        await().atMost(Duration.ofSeconds(15)).until(() -> to(ADMIN_FILED).size() == 1
                && to(VENDOR).stream().anyMatch(m -> subject(m).startsWith("[Lethe ref ")));
        await().atMost(Duration.ofSeconds(15)).until(() -> to(DPO).stream()
                .anyMatch(m -> subject(m).contains("could not be delivered")));
        assertThat(sealed(id, "verification")).isNull(); // sent: the content is gone from the queue
        assertThat(mailAll(id, "verification").path("status").asText()).isEqualTo("sent");
    }

    @Test
    @Order(2)
    void an_identity_link_the_server_refuses_puts_the_request_in_action_required_and_the_dpo_is_told() throws Exception {
        String id = file(INTAKE_KEY, REFUSED).json().path("requestId").asText();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(request(id).path("status").asText()).isEqualTo("action_required"));
        JsonNode refused = mail(id, "verification").orElseThrow();
        assertThat(refused.path("status").asText()).isEqualTo("failed");
        assertThat(refused.path("lastError").asText()).isEqualTo("SMTP 550 (refused)");
        assertThat(refused.path("recipient").asText()).isEqualTo("person");
        assertThat(outbox("?requestId=" + id).toString()).doesNotContain(REFUSED);
        assertThat(outbox("").path("failed").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(sealed(id, "verification")).isNull();
        await().atMost(Duration.ofSeconds(15)).until(() -> to(DPO).stream().anyMatch(m ->
                subject(m).contains("request " + id) && GreenMailUtil.getBody(m).contains("action_required")));
        assertThat(api.get("/api/v1/mail/outbox", MARKETER_KEY).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/mail/outbox?status=late", COMPLIANCE_KEY).json().path("errors").get(0)
                .path("field").asText()).isEqualTo("status");
    }

    @Test
    @Order(3)
    void every_mail_says_it_is_automatic_and_has_a_message_id_of_the_senders_domain() throws Exception {
        MimeMessage[] all = smtp.getReceivedMessages();
        assertThat(all.length).isGreaterThanOrEqualTo(5); // link, receipt, vendor, DPO alerts, completion...
        List<String> ids = new ArrayList<>();
        for (MimeMessage m : all) {
            assertThat(m.getHeader("Auto-Submitted")).containsExactly("auto-generated");
            assertThat(m.getMessageID()).matches("<[0-9a-f]{32}@" + Pattern.quote(DOMAIN) + ">");
            assertThat(m.getFrom()[0].toString()).contains("privacy-desk@" + DOMAIN);
            ids.add(m.getMessageID());
        }
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    @Order(4)
    void the_log_holds_no_address_link_or_text_of_any_mail() {
        String text = logs.text();
        assertThat(text).contains("refused for good"); // the capture works: the refusal was logged, without content
        for (String secret : List.of(WAITING, ADMIN_FILED, REFUSED, DPO, VENDOR, "/verify/", "Recipient address rejected",
                "To make sure it comes from you", "on behalf of our data protection officer")) {
            assertThat(text).doesNotContain(secret);
        }
    }

    @Test
    @Order(5)
    void a_queued_mail_that_cannot_be_opened_fails_alone_and_the_queue_goes_on() throws Exception {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("insert into mail_outbox"
                + " (kind, recipient, message_id, sealed, status, attempts, not_before, created_at, updated_at)"
                + " values ('receipt', 'person', '<tampered@" + DOMAIN + ">', ?, 'pending', 0, ?, ?, ?)")) {
            java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
            ps.setBytes(1, new byte[40]);
            ps.setObject(2, now);
            ps.setObject(3, now);
            ps.setObject(4, now);
            ps.executeUpdate();
        }
        String id = file(ADMIN_KEY, "after.the.tampered.mail-0007@mailbox.lethe-test.example").json()
                .path("requestId").asText();
        await().atMost(Duration.ofSeconds(15)).until(() -> to("after.the.tampered.mail-0007@mailbox.lethe-test.example")
                .size() == 1);
        JsonNode tampered = null;
        for (JsonNode m : outbox("").path("mails")) {
            if (m.path("messageId").asText().startsWith("<tampered@")) {
                tampered = m;
            }
        }
        assertThat(tampered).isNotNull();
        assertThat(tampered.path("status").asText()).isEqualTo("failed");
        assertThat(tampered.path("lastError").asText()).contains("unreadable");
        assertThat(mailAll(id, "receipt").path("status").asText()).isEqualTo("sent");
    }

    Response file(String key, String email) {
        return api.post("/api/v1/requests", key, """
                {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(email));
    }

    JsonNode request(String id) {
        return api.get("/api/v1/requests/" + id, COMPLIANCE_KEY).json();
    }

    JsonNode outbox(String query) {
        Response r = api.get("/api/v1/mail/outbox" + query, COMPLIANCE_KEY);
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    Optional<JsonNode> mail(String requestId, String kind) {
        for (JsonNode m : outbox("?requestId=" + requestId).path("mails")) {
            if (m.path("kind").asText().equals(kind)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    JsonNode mailAll(String requestId, String kind) {
        for (JsonNode m : outbox("?status=all&requestId=" + requestId).path("mails")) {
            if (m.path("kind").asText().equals(kind)) {
                return m;
            }
        }
        throw new AssertionError("no " + kind + " mail for " + requestId);
    }

    byte[] sealed(String requestId, String kind) throws Exception {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(
                "select sealed from mail_outbox where request_id = ? and kind = ?")) {
            ps.setString(1, requestId);
            ps.setString(2, kind);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }

    List<MimeMessage> to(String address) {
        if (!smtp.isRunning()) {
            return List.of();
        }
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
            try {
                return m.getAllRecipients()[0].toString().equals(address);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
