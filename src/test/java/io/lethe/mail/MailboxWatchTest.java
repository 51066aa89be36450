package io.lethe.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The mailbox health check sees what camel-mail would swallow. */
class MailboxWatchTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static HealthCheck.State state(MailboxWatch watch) {
        return watch.call(Map.of()).getState();
    }

    static MailboxWatch watch(MovableClock clock) {
        MailboxWatch w = new MailboxWatch(clock, Duration.ofSeconds(60));
        w.setCamelContext(new DefaultCamelContext());
        return w;
    }

    @Test
    void three_failed_polls_in_a_row_are_down_and_a_clean_poll_heals() {
        MovableClock clock = new MovableClock();
        MailboxWatch watch = watch(clock);
        assertThat(state(watch)).isEqualTo(HealthCheck.State.UP);
        for (int i = 0; i < 2; i++) {
            watch.rollback(null, null, 0, new jakarta.mail.AuthenticationFailedException("no"));
        }
        assertThat(state(watch)).isEqualTo(HealthCheck.State.UP);
        // camel-mail handles errors inside a poll itself and commits: still a failed poll
        watch.begin(null, null);
        watch.handleException("Error polling", new IllegalStateException("folder closed"));
        watch.commit(null, null, 0);
        assertThat(state(watch)).isEqualTo(HealthCheck.State.DOWN);
        watch.begin(null, null);
        watch.commit(null, null, 2);
        assertThat(state(watch)).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void no_finished_poll_for_ten_intervals_is_down() {
        MovableClock clock = new MovableClock();
        MailboxWatch watch = watch(clock);
        clock.now = clock.now.plus(Duration.ofMinutes(9));
        assertThat(state(watch)).isEqualTo(HealthCheck.State.UP);
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(state(watch)).isEqualTo(HealthCheck.State.DOWN);
    }

    @Test
    void messages_failing_in_a_row_are_down() {
        MailboxWatch watch = watch(new MovableClock());
        for (int i = 0; i < 3; i++) {
            watch.messageFailed(new IllegalStateException("register down"));
        }
        assertThat(state(watch)).isEqualTo(HealthCheck.State.DOWN);
        watch.messageDone();
        assertThat(state(watch)).isEqualTo(HealthCheck.State.UP);
    }
}
