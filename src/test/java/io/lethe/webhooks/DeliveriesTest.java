package io.lethe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Sql;
import io.lethe.events.Event;
import io.lethe.events.EventLog;
import io.lethe.events.Events;
import io.lethe.register.KeyRing;
import io.lethe.support.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The delivery outbox without a hub: per-subject order, leases, give-ups, and the sequencer's gap-free cursor. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveriesTest {

    HikariDataSource ds;
    MutableClock clock = new MutableClock();
    EventLog log;
    Deliveries deliveries;
    Subscriptions subscriptions;

    @BeforeAll
    void database() {
        ds = WebhookTestDatabase.open();
        log = new EventLog(ds);
        deliveries = new Deliveries(ds, clock);
        log.addListener(deliveries);
        subscriptions = new Subscriptions(ds, new KeyRing(new byte[32]).derivedKey("webhook-secrets"), clock);
    }

    @AfterAll
    void close() {
        ds.close();
    }

    @BeforeEach
    void empty() {
        Sql.transaction(ds, "emptying", c -> {
            c.createStatement().executeUpdate("delete from webhook_delivery");
            c.createStatement().executeUpdate("update webhook_subscription set deleted_at = created_at");
            return null;
        });
    }

    void publish(String subject, String status) {
        Sql.transaction(ds, "publishing", c -> {
            Events.publish(c, Events.CONSENT_CHANGED, subject, Map.of("purpose", "email_marketing", "status", status),
                    clock.instant());
            return null;
        });
    }

    List<Deliveries.Claimed> claim() {
        return deliveries.claim(100, Duration.ofSeconds(30));
    }

    static List<String> subjects(List<Deliveries.Claimed> claimed) {
        return claimed.stream().map(d -> d.event().subjectId()).toList();
    }

    @Test
    void a_later_event_of_a_subject_waits_for_the_earlier_one_others_do_not() {
        subscriptions.create("https://example.com/h", List.of(Events.CONSENT_CHANGED), false, "admin");
        publish("s-a", "granted");
        publish("s-a", "withdrawn");
        publish("s-b", "granted");
        publish("s-a", "granted");
        log.sequence(100);

        List<Deliveries.Claimed> first = claim();
        assertThat(subjects(first)).containsExactly("s-a", "s-b");
        assertThat(claim()).as("while s-a's first is being sent nothing of s-a moves").isEmpty();

        Deliveries.Claimed a1 = first.get(0);
        deliveries.retry(a1, 503, "HTTP 503", clock.instant().plusSeconds(10));
        deliveries.delivered(first.get(1), 200);
        assertThat(claim()).as("s-a's first is waiting for its retry: its later events wait too").isEmpty();

        clock.advance(Duration.ofSeconds(11));
        List<Deliveries.Claimed> again = claim();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).id()).isEqualTo(a1.id());
        assertThat(again.get(0).attempts()).isEqualTo(2);
        deliveries.delivered(again.get(0), 204);

        List<Deliveries.Claimed> second = claim();
        assertThat(second).hasSize(1);
        assertThat(second.get(0).event().data()).contains("withdrawn");
        deliveries.giveUp(second.get(0), 500, "HTTP 500", (c, d) -> { });
        List<Deliveries.Claimed> third = claim();
        assertThat(third).as("a given-up delivery no longer holds the later ones").hasSize(1);
        assertThat(third.get(0).event().id()).isGreaterThan(second.get(0).event().id());
    }

    @Test
    void a_claim_whose_lease_ran_out_is_taken_again() {
        subscriptions.create("https://example.com/h", List.of(Events.CONSENT_CHANGED), false, "admin");
        publish("s-c", "granted");
        log.sequence(100);
        Deliveries.Claimed first = claim().get(0);
        clock.advance(Duration.ofSeconds(31)); // the node that claimed it died
        List<Deliveries.Claimed> again = claim();
        assertThat(again).extracting(Deliveries.Claimed::id).containsExactly(first.id());
        assertThat(again.get(0).attempts()).isEqualTo(2);
        assertThat(again.get(0).event().id()).isEqualTo(first.event().id());
    }

    @Test
    void only_the_subscribed_types_after_its_creation_are_delivered() {
        publish("s-d", "granted");
        log.sequence(100);
        subscriptions.create("https://example.com/h", List.of(Events.REQUEST_STATUS_CHANGED), false, "admin");
        subscriptions.create("https://example.com/i", List.of(Events.CONSENT_CHANGED), false, "admin");
        publish("s-d", "withdrawn");
        log.sequence(100);
        List<Deliveries.Claimed> claimed = claim();
        assertThat(claimed).hasSize(1);
        assertThat(claimed.get(0).url()).isEqualTo("https://example.com/i");
        assertThat(claimed.get(0).event().data()).contains("withdrawn");
    }

    @Test
    void an_event_that_commits_late_gets_a_later_id_and_is_not_skipped() throws Exception {
        long before = log.lastSeq();
        try (Connection slow = ds.getConnection()) {
            slow.setAutoCommit(false);
            Events.publish(slow, Events.CONSENT_CHANGED, "s-slow", Map.of("status", "granted"), clock.instant());
            publish("s-fast", "granted"); // inserted after, committed first
            log.sequence(100);
            List<Event> seen = log.after(before, 100, List.of());
            assertThat(seen).extracting(Event::subjectId).containsExactly("s-fast");
            slow.commit();
            slow.setAutoCommit(true);
            long cursor = seen.get(0).id();
            log.sequence(100);
            assertThat(log.after(cursor, 100, List.of())).extracting(Event::subjectId).containsExactly("s-slow");
        }
    }
}
