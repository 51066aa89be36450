package io.lethe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Sql;
import io.lethe.events.EventLog;
import io.lethe.events.Events;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.MessageIds;
import io.lethe.register.KeyRing;
import io.lethe.support.MutableClock;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One round of deliveries to hostile receivers through the real client: an endless drip-fed body, a huge body, no
 * answer at all, and a well-behaved one. Each is judged by its status within the deadline, the huge body is not
 * taken in, and the round takes about one deadline: the receivers that answer are delivered however slow the others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookSenderHostileReceiversTest {

    static final Duration DEADLINE = Duration.ofMillis(1500);
    HikariDataSource ds;
    final MutableClock clock = new MutableClock();
    RawReceiver receiver;
    WebhookHttp http;
    EventLog log;
    Subscriptions subscriptions;
    WebhookSender sender;

    @BeforeAll
    void hub() throws Exception {
        ds = WebhookTestDatabase.open();
        receiver = new RawReceiver();
        KeyRing keys = new KeyRing(new byte[32]);
        log = new EventLog(ds);
        Deliveries deliveries = new Deliveries(ds, clock);
        log.addListener(deliveries);
        subscriptions = new Subscriptions(ds, keys.derivedKey("webhook-secrets"), clock);
        MailOutbox mail = new MailOutbox(ds, keys.derivedKey("mail-outbox"), new MessageIds("hub@lethe.example"),
                clock, true);
        TargetGuard guard = new TargetGuard(true);
        http = new WebhookHttp(guard, SystemDefaultDnsResolver.INSTANCE, new WebhookHttp.Limits(Duration.ofMillis(500),
                Duration.ofMillis(2500), DEADLINE, 5)); // reads may wait longer than the whole call may
        sender = new WebhookSender(deliveries, subscriptions, ds, guard, http, subject -> Map.of(), (s, subject) -> { },
                mail, "dpo@lethe.example", new WebhookSender.Policy(5, Duration.ofSeconds(30),
                        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4), 5, Duration.ofHours(1)), DEADLINE),
                clock);
    }

    @AfterAll
    void close() throws Exception {
        sender.close();
        http.close();
        receiver.close();
        ds.close();
    }

    @Test
    void slow_and_huge_answers_hold_nothing_and_the_others_are_delivered_in_the_same_round() {
        // the hostile ones first: sent one after the other, the two that never answer alone would take two deadlines
        for (String path : List.of("/hang", "/hang", "/drip", "/huge", "/ok")) {
            subscriptions.create(receiver.url(path), List.of(Events.CONSENT_CHANGED), false, "admin");
        }
        Sql.transaction(ds, "publishing", c -> {
            Events.publish(c, Events.CONSENT_CHANGED, "s-1", Map.of("purpose", "email_marketing",
                    "status", "withdrawn"), clock.instant());
            return null;
        });
        log.sequence(100);

        long start = System.nanoTime();
        assertThat(sender.deliverDue()).isEqualTo(5);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("about one deadline, not two")
                .isLessThan(DEADLINE.multipliedBy(2));

        Map<String, String> outcome = new LinkedHashMap<>(); // by path: the two /hang ones alike
        for (Subscription s : subscriptions.list(false)) {
            Deliveries.Row row = new Deliveries(ds, clock).recent(s.id(), null, 1).get(0);
            outcome.put(s.url().substring(s.url().lastIndexOf('/')), row.status() + " " + row.lastError());
        }
        assertThat(outcome).containsEntry("/ok", "delivered null").containsEntry("/drip", "delivered null")
                .containsEntry("/huge", "delivered null")
                .containsEntry("/hang", "pending no answer (DeadlineExceededException)");
        assertThat(receiver.hugeBytesWritten.get()).as("the huge body stays in the socket buffers")
                .isLessThan(16L << 20);
    }
}
