package io.lethe.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import io.lethe.connectors.engine.auth.StandardWebhooksSigner;
import io.lethe.support.Addresses;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/callbacks/{connectorId}} against what an attacker (or a confused receiver) sends: no signature,
 * a wrong secret, another connector's secret, an old timestamp, an unknown connector, unknown command ids, another
 * connector's commands, a replay. Refusals change nothing; only commands awaiting a callback at the signing
 * connector are finished, with their sync-log entries.
 */
abstract class WebhookCallbackTest extends HubTestSupport {

    static final String SHOP_SECRET = "whsec_" + java.util.Base64.getEncoder()
            .encodeToString("shop-secret-for-callback-tests-32".getBytes());
    static final String DESK_SECRET = "whsec_" + java.util.Base64.getEncoder()
            .encodeToString("desk-secret-for-callback-tests-32".getBytes());

    static final java.util.concurrent.atomic.AtomicInteger SUBJECTS = new java.util.concurrent.atomic.AtomicInteger();

    com.icegreen.greenmail.util.GreenMail mail;

    @Override
    protected Properties extraProperties() {
        Properties p = new Properties();
        mail = new com.icegreen.greenmail.util.GreenMail(com.icegreen.greenmail.util.ServerSetupTest.SMTP.dynamicPort());
        mail.start();
        p.put("lethe.smtp.url", "smtp://localhost:" + mail.getSmtp().getPort());
        p.put("lethe.dpo.email", "data.protection.officer@example-company.co.uk");
        // Two in-house systems declared as an operator does: connectors/webhook.yaml copied as shop.yaml and desk.yaml.
        p.put("lethe.connectors-dir", io.lethe.dispatch.WebhookConnectorTest.connectorsDir("shop", "desk").toString());
        p.put("lethe.connectors", "shop,desk");
        p.put("lethe.shop.url", "http://127.0.0.1:9/lethe/commands");
        p.put("lethe.shop.secret", SHOP_SECRET);
        p.put("lethe.desk.url", "http://127.0.0.1:9/lethe/commands");
        p.put("lethe.desk.secret", DESK_SECRET);
        return p;
    }

    @org.junit.jupiter.api.AfterAll
    void stopMail() {
        mail.stop();
    }

    // --- refusals: 401, nothing changes ----------------------------------------------------------------------------

    @Test
    void a_callback_without_signature_is_401_and_changes_nothing() throws Exception {
        long id = awaiting("shop", "erase");
        Response r = api.send("POST", "/api/v1/callbacks/shop", null, "application/json", results(id, "completed"));
        assertRefused(r);
        assertThat(status(id)).isEqualTo("awaiting_callback");
    }

    @Test
    void an_api_key_is_no_substitute_for_the_signature() throws Exception {
        long id = awaiting("shop", "erase");
        assertRefused(api.send("POST", "/api/v1/callbacks/shop", ADMIN_KEY, "application/json", results(id, "completed")));
        assertThat(status(id)).isEqualTo("awaiting_callback");
    }

    @Test
    void a_callback_signed_with_a_wrong_secret_or_another_connectors_secret_is_401() throws Exception {
        long id = awaiting("shop", "opt_out");
        String wrong = "whsec_" + java.util.Base64.getEncoder().encodeToString("not-the-secret-of-any-connector!".getBytes());
        assertRefused(signed("shop", wrong, newId(), now(), results(id, "completed")));
        assertRefused(signed("shop", DESK_SECRET, newId(), now(), results(id, "completed")));
        // The desk's own secret is good for the desk only: the shop's command stays untouched there too.
        Response desk = signed("desk", DESK_SECRET, newId(), now(), results(id, "completed"));
        assertThat(desk.status()).isEqualTo(200);
        assertThat(desk.json().path("applied").asInt()).isZero();
        assertThat(desk.json().path("ignored").asInt()).isEqualTo(1);
        assertThat(status(id)).isEqualTo("awaiting_callback");
    }

    @Test
    void a_callback_with_an_old_or_future_timestamp_is_401() throws Exception {
        long id = awaiting("shop", "erase");
        assertRefused(signed("shop", SHOP_SECRET, newId(), now() - 301, results(id, "completed")));
        assertRefused(signed("shop", SHOP_SECRET, newId(), now() + 301, results(id, "completed")));
        assertThat(status(id)).isEqualTo("awaiting_callback");
    }

    @Test
    void a_callback_for_an_unknown_or_non_webhook_connector_is_the_same_401() throws Exception {
        long id = awaiting("shop", "erase");
        Response unknown = signed("nosuch", SHOP_SECRET, newId(), now(), results(id, "completed"));
        Response known = signed("shop", DESK_SECRET, newId(), now(), results(id, "completed"));
        assertRefused(unknown);
        assertThat(unknown.body()).isEqualTo(known.body());
        assertThat(status(id)).isEqualTo("awaiting_callback");
    }

    @Test
    void a_tampered_body_is_401() throws Exception {
        long id = awaiting("shop", "erase");
        String body = results(id, "failed");
        String webhookId = newId();
        long ts = now();
        String signature = new StandardWebhooksSigner(SHOP_SECRET).sign(webhookId, String.valueOf(ts),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Response r = api.send("POST", "/api/v1/callbacks/shop", null, "application/json",
                body.replace("failed", "completed"), "webhook-id", webhookId, "webhook-timestamp", String.valueOf(ts),
                "webhook-signature", signature);
        assertRefused(r);
        assertThat(status(id)).isEqualTo("awaiting_callback");
    }

    // --- what a signed callback may touch ------------------------------------------------------------------------

    @Test
    void unknown_command_ids_and_other_connectors_commands_are_ignored_and_counted() throws Exception {
        long desks = awaiting("desk", "erase");
        long finished = awaiting("shop", "erase");
        setStatus(finished, "done");
        long seen = entriesOf(desks, finished, finished);
        Response r = signed("shop", SHOP_SECRET, newId(), now(), "{\"results\":[" + result(desks, "completed") + ","
                + result(finished, "completed") + "," + result(987654321L, "completed") + "]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("applied").asInt()).isZero();
        assertThat(r.json().path("ignored").asInt()).isEqualTo(3);
        assertThat(status(desks)).isEqualTo("awaiting_callback");
        assertThat(status(finished)).isEqualTo("done");
        assertThat(entriesOf(desks, finished, finished)).isEqualTo(seen);
    }

    @Test
    void a_signed_callback_finishes_its_commands_once_and_a_replay_changes_nothing() throws Exception {
        long erase = awaiting("shop", "erase");
        long optOut = awaiting("shop", "opt_out");
        long failed = awaiting("shop", "opt_out");
        String body = "{\"results\":[" + result(erase, "verified") + "," + result(optOut, "completed") + ","
                + result(failed, "failed") + "]}";
        String webhookId = newId();
        Response first = signed("shop", SHOP_SECRET, webhookId, now(), body);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().path("applied").asInt()).isEqualTo(3);
        assertThat(first.json().path("replay").asBoolean()).isFalse();
        assertThat(row(erase)).containsExactly("done", "verified");
        assertThat(row(optOut)).containsExactly("done", "delivered");
        assertThat(row(failed)).containsExactly("action_required", "rejected");
        // only these commands' entries: the grants that created their subjects propagate meanwhile
        long entries = entriesOf(erase, optOut, failed);

        Response replay = signed("shop", SHOP_SECRET, webhookId, now(), body);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("replay").asBoolean()).isTrue();
        assertThat(replay.json().path("applied").asInt()).isEqualTo(3);
        assertThat(entriesOf(erase, optOut, failed)).isEqualTo(entries);

        Response log = api.get("/api/v1/sync-log?vendor=shop", COMPLIANCE_KEY);
        assertThat(log.body()).contains("\"outcome\":\"verified\"").contains("\"outcome\":\"delivered\"")
                .contains("\"outcome\":\"action_required\"").doesNotContain("@");
    }

    @Test
    void a_callback_for_commands_still_being_recorded_as_sent_is_409_and_changes_nothing() throws Exception {
        long id = awaiting("shop", "erase");
        setStatus(id, "in_flight");
        String body = results(id, "completed");
        String webhookId = newId();
        String ts = String.valueOf(now());
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + port + "/api/v1/callbacks/shop"))
                .header("Content-Type", "application/json").header("webhook-id", webhookId).header("webhook-timestamp", ts)
                .header("webhook-signature", new StandardWebhooksSigner(SHOP_SECRET).sign(webhookId, ts,
                        body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(b.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        assertThat(status(id)).isEqualTo("in_flight");
        // Once the 202 is recorded, the same callback (a retry: same webhook-id) is applied.
        setStatus(id, "awaiting_callback");
        assertThat(signed("shop", SHOP_SECRET, webhookId, now(), body).json().path("applied").asInt()).isEqualTo(1);
    }

    @Test
    void a_malformed_results_body_is_400_naming_the_field() throws Exception {
        long id = awaiting("shop", "erase");
        Response r = signed("shop", SHOP_SECRET, newId(), now(),
                "{\"results\":[{\"commandId\":" + id + ",\"status\":\"done\"},{\"status\":\"completed\"}]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errors").toString()).contains("results[0].status").contains("results[1].commandId");
        assertThat(status(id)).isEqualTo("awaiting_callback");
    }

    @Test
    void a_body_over_the_limit_is_413() {
        StringBuilder big = new StringBuilder("{\"results\":[");
        while (big.length() < 1_100_000) {
            big.append(result(1, "completed")).append(',');
        }
        big.append(result(1, "completed")).append("]}");
        // Raw: the hub answers 413 from the headers and closes, which an HTTP client still writing the body may see
        // as a broken pipe instead of the answer
        String id = newId();
        String ts = String.valueOf(now());
        String signature = new StandardWebhooksSigner(SHOP_SECRET).sign(id, ts,
                big.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (io.lethe.support.RawHttp raw = new io.lethe.support.RawHttp("127.0.0.1", port, 10_000)) {
            raw.send("POST /api/v1/callbacks/shop HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "webhook-id: " + id + "\r\nwebhook-timestamp: " + ts + "\r\nwebhook-signature: " + signature
                    + "\r\nContent-Length: " + big.length() + "\r\n\r\n" + big.substring(0, 1000));
            assertThat(raw.readUntilClosed().status()).isEqualTo(413);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void the_endpoint_is_public_in_the_openapi_document() {
        Response r = api.get("/api/v1/openapi.json", ADMIN_KEY);
        assertThat(r.json().path("paths").path("/api/v1/callbacks/{connectorId}").path("post").path("security").isEmpty())
                .isTrue();
    }

    @Test
    void the_reference_receivers_own_callback_is_accepted() throws Exception {
        long erase = awaiting("shop", "erase");
        long export = awaiting("shop", "export");
        io.lethe.demo.sandbox.WebhookReceiverBehaviour receiver =
                new io.lethe.demo.sandbox.WebhookReceiverBehaviour("shop", SHOP_SECRET);
        String email = Addresses.realistic(1, "receiver").get(0);
        receiver.seed(email, null);
        receiver.mode(io.lethe.demo.sandbox.WebhookReceiverBehaviour.Mode.DEFER);
        try (io.lethe.demo.sandbox.SandboxServer server = io.lethe.demo.sandbox.SandboxServer.start(receiver)) {
            String batch = "{\"type\":\"lethe.commands\",\"commands\":[{\"commandId\":" + export
                    + ",\"action\":\"export\",\"purpose\":null,\"subjectId\":\"s1\",\"identities\":{\"email\":\""
                    + email + "\"}},{\"commandId\":" + erase + ",\"action\":\"erase\",\"purpose\":null,"
                    + "\"subjectId\":\"s1\",\"identities\":{\"email\":\"" + email + "\"}}]}";
            io.lethe.connectors.engine.VendorCall signed = new StandardWebhooksSigner(SHOP_SECRET).sign(
                    new io.lethe.connectors.engine.VendorCall("shop", "erase", "POST", server.baseUrl()
                            + io.lethe.demo.sandbox.WebhookReceiverBehaviour.PATH,
                            java.util.Map.of("Content-Type", "application/json"), batch));
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(signed.url()))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(batch));
            signed.headers().forEach(b::header);
            assertThat(java.net.http.HttpClient.newHttpClient().send(b.build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
        }
        assertThat(receiver.sendCallback("http://localhost:" + port)).isEqualTo(200);
        assertThat(receiver.deferredCount()).isZero();
        assertThat(row(export)).containsExactly("done", "completed");
        assertThat(row(erase)).containsExactly("done", "verified");
    }

    // --- no callback in time ----------------------------------------------------------------------------------------

    @Test
    void an_overdue_callback_is_sent_again_and_the_dpo_is_told_once_per_command() throws Exception {
        long id = awaiting("shop", "erase");
        long alreadyTold = awaiting("shop", "opt_out");
        sql("update outbox_command set callback_until = ? where id in (" + id + ", " + alreadyTold + ")",
                OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1));
        sql("update outbox_command set callback_alerted_at = ? where id = " + alreadyTold,
                OffsetDateTime.now(ZoneOffset.UTC).minusDays(1));
        long mails = mails("dpo-callback-overdue");
        sweep();
        // Back in the outbox to be sent again (the dispatcher may already have claimed it).
        assertThat(status(id)).isIn("pending", "in_flight");
        assertThat(number("select callback_resends from outbox_command where id = " + id)).isEqualTo(1);
        assertThat(number("select count(*) from outbox_command where id = " + id + " and callback_alerted_at is not null"))
                .isEqualTo(1);
        assertThat(mails("dpo-callback-overdue")).isEqualTo(mails + 1); // one mail, for the command not told before
        assertThat(api.get("/api/v1/sync-log?vendor=shop", COMPLIANCE_KEY).body()).contains("callback_overdue");
    }

    @Test
    void a_command_that_never_calls_back_after_the_last_send_needs_a_person() throws Exception {
        long id = awaiting("shop", "erase");
        sql("update outbox_command set callback_until = ?, callback_resends = 2 where id = " + id,
                OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1));
        long mails = mails("dpo-action-required");
        sweep();
        assertThat(row(id)).containsExactly("action_required", "failed");
        // the DPO alert is queued by the request life cycle once the sweep's transaction has committed
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(mails("dpo-action-required")).isEqualTo(mails + 1));
    }

    void sweep() {
        context.getRegistry().lookupByNameAndType("webhookCallbacks", io.lethe.dispatch.WebhookCallbacks.class).sweep();
    }

    long mails(String kind) throws SQLException {
        return number("select count(*) from mail_outbox where kind = '" + kind + "'");
    }

    long number(String query) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(query);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void sql(String update, Object parameter) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(update)) {
            ps.setObject(1, parameter);
            ps.executeUpdate();
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private void assertRefused(Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }

    Response signed(String connector, String secret, String webhookId, long timestamp, String body) {
        String signature = new StandardWebhooksSigner(secret).sign(webhookId, String.valueOf(timestamp),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return api.send("POST", "/api/v1/callbacks/" + connector, null, "application/json", body,
                "webhook-id", webhookId, "webhook-timestamp", String.valueOf(timestamp), "webhook-signature", signature);
    }

    static String newId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    static String result(long id, String status) {
        return "{\"commandId\":" + id + ",\"status\":\"" + status + "\"}";
    }

    static String results(long id, String status) {
        return "{\"results\":[" + result(id, status) + "]}";
    }

    /** A subject with a realistic address, and one outbox command for it awaiting a callback at {@code connector}. */
    long awaiting(String connector, String action) throws SQLException {
        Response created = api.post("/api/v1/consents", INTAKE_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "granted"}"""
                .formatted(Addresses.realistic(1, "cb" + SUBJECTS.incrementAndGet()).get(0)));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String subjectId = created.json().path("subjectId").asText();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("insert into outbox_command"
                + " (connector, subject_id, action, purpose, status, attempts, not_before, created_at, updated_at,"
                + " callback_until) values (?, ?, ?, 'email_marketing', 'awaiting_callback', 1, ?, ?, ?, ?)",
                new String[] {"id"})) {
            ps.setString(1, connector);
            ps.setString(2, subjectId);
            ps.setString(3, action);
            ps.setObject(4, now);
            ps.setObject(5, now);
            ps.setObject(6, now);
            ps.setObject(7, now.plusHours(1));
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    String status(long id) throws SQLException {
        return row(id).get(0);
    }

    List<String> row(long id) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("select status, outcome from outbox_command where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                List<String> row = new ArrayList<>();
                row.add(rs.getString(1));
                row.add(rs.getString(2));
                return row;
            }
        }
    }

    void setStatus(long id, String status) throws SQLException {
        try (Connection c = database.connect();
                PreparedStatement ps = c.prepareStatement("update outbox_command set status = ? where id = ?")) {
            ps.setString(1, status);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** Sync-log entries of these commands (same vendor, subject and action). */
    long entriesOf(long... commandIds) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("select count(*) from sync_log s"
                + " where exists (select 1 from outbox_command o where o.id in (?, ?, ?) and o.connector = s.vendor"
                + " and o.subject_id = s.subject_id and o.action = s.action)")) {
            for (int i = 0; i < 3; i++) {
                ps.setLong(i + 1, commandIds[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
