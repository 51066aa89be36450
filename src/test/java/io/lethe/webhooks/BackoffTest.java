package io.lethe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofHours(1), 15, Duration.ofHours(24));

    @Test
    void the_wait_doubles_from_the_first_and_stops_at_the_cap() {
        assertThat(backoff.delay(1, 0.999)).isBetween(Duration.ofMillis(9_990), Duration.ofSeconds(10));
        assertThat(backoff.delay(2, 0.999)).isBetween(Duration.ofMillis(19_980), Duration.ofSeconds(20));
        assertThat(backoff.delay(5, 0.999)).isBetween(Duration.ofMillis(159_900), Duration.ofSeconds(160));
        assertThat(backoff.delay(20, 0.999)).isBetween(Duration.ofMillis(3_598_000), Duration.ofHours(1));
        assertThat(backoff.delay(1000, 0.5)).isLessThanOrEqualTo(Duration.ofHours(1)); // no overflow
    }

    @Test
    void the_jitter_stays_in_the_upper_half_of_the_wait() {
        assertThat(backoff.delay(3, 0.0)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.delay(3, 0.5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(3, 0.999_999)).isLessThan(Duration.ofSeconds(40)).isGreaterThan(Duration.ofSeconds(39));
    }

    @Test
    void a_delivery_is_given_up_after_the_attempts_or_the_time() {
        Instant event = Instant.parse("2026-12-01T10:00:00Z");
        assertThat(backoff.givesUp(14, event, event.plus(Duration.ofHours(23)))).isFalse();
        assertThat(backoff.givesUp(15, event, event.plusSeconds(60))).isTrue();
        assertThat(backoff.givesUp(3, event, event.plus(Duration.ofHours(24)))).isTrue();
    }
}
