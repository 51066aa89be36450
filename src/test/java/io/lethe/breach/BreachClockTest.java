package io.lethe.breach;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Art. 33(1) clock and the reminder rule, at the edges of each hour that matters. */
class BreachClockTest {

    static final Instant AWARE = Instant.parse("2026-11-30T08:15:00Z");

    static Instant at(long hours, long minutes) {
        return AWARE.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(minutes));
    }

    @Test
    void the_deadline_is_72_hours_after_awareness_and_hours_left_round_down() {
        BreachClock c = BreachClock.of(AWARE, null, at(10, 30));
        assertThat(c.deadline()).isEqualTo(Instant.parse("2026-12-03T08:15:00Z"));
        assertThat(c.hoursSinceAware()).isEqualTo(10);
        assertThat(c.hoursLeft()).isEqualTo(61); // 61 h 30 min left
        assertThat(c.overdue()).isFalse();
        assertThat(c.authorityNotified()).isFalse();
    }

    @Test
    void at_the_deadline_it_is_not_yet_overdue_one_second_later_it_is() {
        assertThat(BreachClock.of(AWARE, null, at(72, 0)).overdue()).isFalse();
        assertThat(BreachClock.of(AWARE, null, at(72, 0)).hoursLeft()).isZero();
        BreachClock late = BreachClock.of(AWARE, null, at(72, 0).plusSeconds(1));
        assertThat(late.overdue()).isTrue();
        assertThat(late.hoursLeft()).isEqualTo(-1);
        assertThat(BreachClock.of(AWARE, null, at(80, 0)).hoursLeft()).isEqualTo(-8);
    }

    @Test
    void a_notification_stops_the_clock_and_says_whether_it_was_late() {
        BreachClock inTime = BreachClock.of(AWARE, at(70, 0), at(100, 0));
        assertThat(inTime.overdue()).isFalse();
        assertThat(inTime.authorityNotified()).isTrue();
        assertThat(inTime.notifiedLate()).isFalse();
        assertThat(inTime.hoursLeft()).isEqualTo(2); // left when notified
        BreachClock late = BreachClock.of(AWARE, at(73, 0), at(100, 0));
        assertThat(late.overdue()).isFalse();
        assertThat(late.notifiedLate()).isTrue();
        assertThat(BreachClock.isLate(AWARE, at(72, 0))).isFalse();
        assertThat(BreachClock.isLate(AWARE, at(72, 0).plusMillis(1))).isTrue();
    }

    @Test
    void reminders_fall_due_at_24_and_60_hours_once_each_and_never_after_the_notification() {
        assertThat(BreachClock.reminderDue(breach(null, null, null), at(23, 59))).isZero();
        assertThat(BreachClock.reminderDue(breach(null, null, null), at(24, 0))).isEqualTo(24);
        assertThat(BreachClock.reminderDue(breach(at(24, 0), null, null), at(59, 59))).isZero();
        assertThat(BreachClock.reminderDue(breach(at(24, 0), null, null), at(60, 0))).isEqualTo(60);
        assertThat(BreachClock.reminderDue(breach(at(24, 0), at(60, 0), null), at(90, 0))).isZero();
        assertThat(BreachClock.reminderDue(breach(null, null, at(20, 0)), at(30, 0))).isZero();
        assertThat(BreachClock.reminderDue(breach(at(24, 0), null, at(30, 0)), at(61, 0))).isZero();
    }

    @Test
    void a_breach_recorded_after_60_hours_gets_the_60_hour_reminder_only() {
        assertThat(BreachClock.reminderDue(breach(null, null, null), at(65, 0))).isEqualTo(60);
        assertThat(BreachClock.reminderDue(breach(at(65, 0), at(65, 0), null), at(66, 0))).isZero();
    }

    static Breach breach(Instant reminded24, Instant reminded60, Instant notified) {
        return new Breach("00000000-0000-4000-8000-000000000001", AWARE, AWARE, "admin", AWARE,
                new Breach.Details("n", "s", null, "r", null, "c", "m", "dpo"), List.of(), List.of(), notified, null,
                null, reminded24, reminded60, null, null, null, null, null);
    }
}
