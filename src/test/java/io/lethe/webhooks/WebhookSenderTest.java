package io.lethe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.lethe.connectors.engine.VendorAnswer;
import io.lethe.connectors.engine.VendorCall;
import io.lethe.connectors.engine.auth.StandardWebhooksVerifier;
import io.lethe.db.Sql;
import io.lethe.events.EventLog;
import io.lethe.events.Events;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.MessageIds;
import io.lethe.register.KeyRing;
import io.lethe.support.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Signing, retries with the same webhook-id, giving up and the DPO told once: a fake receiver, a mutable clock. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookSenderTest {

    HikariDataSource ds;
    MutableClock clock = new MutableClock();
    EventLog log;
    Subscriptions subscriptions;
    WebhookSender sender;
    final List<VendorCall> calls = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile int answer = 503;

    @BeforeAll
    void hub() {
        ds = WebhookTestDatabase.open();
        KeyRing keys = new KeyRing(new byte[32]);
        log = new EventLog(ds);
        Deliveries deliveries = new Deliveries(ds, clock);
        log.addListener(deliveries);
        subscriptions = new Subscriptions(ds, keys.derivedKey("webhook-secrets"), clock);
        MailOutbox mail = new MailOutbox(ds, keys.derivedKey("mail-outbox"), new MessageIds("hub@lethe.example"),
                clock, true);
        sender = new WebhookSender(deliveries, subscriptions, ds, new TargetGuard(true), call -> {
            calls.add(call);
            if (answer < 0) {
                throw new IllegalStateException("connection refused");
            }
            return new VendorAnswer(answer, Map.of(), "{\"error\":\"down for maintenance, ask jane@example.com\"}");
        }, subject -> Map.of("email", List.of("someone@example.com")), (s, subject) -> { }, mail, "dpo@lethe.example",
                new WebhookSender.Policy(10, Duration.ofSeconds(30),
                        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), 3, Duration.ofHours(1)),
                        Duration.ofSeconds(5)), clock);
    }

    @AfterAll
    void close() {
        ds.close();
    }

    long dpoMails() {
        return Sql.transaction(ds, "counting", c -> {
            try (var rs = c.createStatement().executeQuery(
                    "select count(*) from mail_outbox where kind = 'dpo-webhook-failed'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    void publish(String subject) {
        Sql.transaction(ds, "publishing", c -> {
            Events.publish(c, Events.CONSENT_CHANGED, subject, Map.of("purpose", "email_marketing",
                    "status", "withdrawn"), clock.instant());
            return null;
        });
        log.sequence(100);
    }

    @Test
    void retries_keep_the_webhook_id_give_up_tells_the_dpo_once_and_success_rearms_it() throws Exception {
        String secret = subscriptions.create("http://127.0.0.1:9/hooks", List.of(Events.CONSENT_CHANGED), false,
                "admin").secret();
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(secret, clock);
        publish("s-1");
        answer = -1; // unreachable
        assertThat(sender.deliverDue()).isEqualTo(1);
        assertThat(sender.deliverDue()).as("backing off").isZero();
        answer = 503;
        clock.advance(Duration.ofSeconds(1));
        assertThat(sender.deliverDue()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(sender.deliverDue()).isEqualTo(1); // third attempt: given up
        assertThat(calls).hasSize(3);
        for (VendorCall call : calls) {
            verifier.verify(call.headers().get("webhook-id"), call.headers().get("webhook-timestamp"),
                    call.headers().get("webhook-signature"), call.body().getBytes(StandardCharsets.UTF_8));
            assertThat(call.headers().keySet()).containsExactlyInAnyOrder("Content-Type", "webhook-id",
                    "webhook-timestamp", "webhook-signature");
            assertThat(call.body()).doesNotContain("@").doesNotContain("identities");
        }
        assertThat(calls).extracting(c -> c.headers().get("webhook-id")).containsOnly(
                String.valueOf(new ObjectMapper().readTree(calls.get(0).body()).path("id").asLong()));
        assertThat(dpoMails()).isEqualTo(1);
        String failed = Sql.transaction(ds, "reading", c -> {
            try (var rs = c.createStatement().executeQuery("select status, last_error from webhook_delivery")) {
                rs.next();
                return rs.getString(1) + " " + rs.getString(2);
            }
        });
        assertThat(failed).isEqualTo("failed HTTP 503").doesNotContain("maintenance");

        publish("s-2");
        for (int i = 0; i < 3; i++) {
            sender.deliverDue();
            clock.advance(Duration.ofSeconds(5));
        }
        assertThat(dpoMails()).as("told once, not per delivery").isEqualTo(1);

        answer = 200;
        publish("s-3");
        sender.deliverDue();
        assertThat(subscriptions.list(false).get(0).alertedAt()).as("a success re-arms the alert").isNull();
    }
}
