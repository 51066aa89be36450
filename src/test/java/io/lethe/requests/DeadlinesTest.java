package io.lethe.requests;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadlinesTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    final Deadlines deadlines = new Deadlines(BERLIN, Set.of(LocalDate.of(2026, 12, 25), LocalDate.of(2026, 12, 28)));

    static Instant local(String dateTime) {
        return java.time.LocalDateTime.parse(dateTime).atZone(BERLIN).toInstant();
    }

    static Instant endOf(String date) {
        return LocalDate.parse(date).plusDays(1).atStartOfDay(BERLIN).toInstant().minusMillis(1);
    }

    @ParameterizedTest(name = "GDPR: received {0} -> due end of {1}")
    @CsvSource({
        "2026-01-31T09:00, 2026-02-28", // no 31 February: the month's last day
        "2028-01-31T09:00, 2028-02-29", // leap year
        "2026-01-30T09:00, 2026-02-28",
        "2026-03-31T23:30, 2026-04-30",
        "2026-02-28T10:00, 2026-03-28", // same day number, not "end of month"
        "2026-12-15T10:00, 2027-01-15", // across the year
        "2026-05-31T00:00, 2026-06-30"})
    void gdpr_is_one_calendar_month(String received, String due) {
        assertThat(deadlines.due(Regulation.GDPR, local(received))).isEqualTo(endOf(due));
    }

    @Test
    void the_calendar_day_is_the_controllers_not_utc() {
        // 23:30 UTC on 31 January is already 1 February in Berlin: due 1 March, not 28 February.
        assertThat(deadlines.due(Regulation.GDPR, Instant.parse("2026-01-31T23:30:00Z"))).isEqualTo(endOf("2026-03-01"));
    }

    @Test
    void a_deadline_is_the_end_of_its_day_across_a_dst_change() {
        Instant due = deadlines.due(Regulation.GDPR, local("2026-02-28T12:00"));
        assertThat(due).isEqualTo(local("2026-03-28T23:59:59.999")); // DST starts 29 March: still the 28th's end
    }

    @ParameterizedTest(name = "GDPR extension by {1} month(s): due {0} -> {2}")
    @CsvSource({"2026-02-28, 2, 2026-04-28", "2026-03-31, 2, 2026-05-31", "2026-03-31, 1, 2026-04-30",
        "2026-12-31, 2, 2027-02-28"})
    void gdpr_extends_by_at_most_two_further_months(String due, int months, String extended) {
        assertThat(deadlines.extended(Regulation.GDPR, endOf(due), months)).isEqualTo(endOf(extended));
    }

    @Test
    void gdpr_extensions_are_one_or_two_months() {
        assertThatThrownBy(() -> deadlines.extended(Regulation.GDPR, endOf("2026-02-28"), 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> deadlines.extended(Regulation.GDPR, endOf("2026-02-28"), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "CCPA: received {0} -> due {1}, extended {2}")
    @CsvSource({"2026-01-01T10:00, 2026-02-15, 2026-04-01", "2026-11-20T10:00, 2027-01-04, 2027-02-18",
        "2028-01-20T10:00, 2028-03-05, 2028-04-19"})
    void ccpa_is_45_calendar_days_plus_45_once(String received, String due, String extended) {
        Instant d = deadlines.due(Regulation.CCPA, local(received));
        assertThat(d).isEqualTo(endOf(due));
        assertThat(deadlines.extended(Regulation.CCPA, d, 0)).isEqualTo(endOf(extended));
    }

    @ParameterizedTest(name = "CCPA acknowledgement: received {0} -> by {1}")
    @CsvSource({
        "2026-11-02T10:00, 2026-11-16", // Monday: two working weeks
        "2026-11-06T10:00, 2026-11-20", // Friday
        "2026-11-07T10:00, 2026-11-20", // Saturday: counting starts Monday
        "2026-12-18T10:00, 2027-01-05"}) // 25 and 28 December are holidays here
    void ccpa_acknowledgement_counts_business_days(String received, String by) {
        assertThat(deadlines.acknowledgeBy(local(received))).isEqualTo(endOf(by));
    }

    @Test
    void reminders_come_before_the_due_date_but_not_before_receipt() {
        Instant received = local("2026-01-31T09:00");
        Instant due = deadlines.due(Regulation.GDPR, received);
        assertThat(deadlines.remindAt(received, due, Duration.ofDays(7))).isEqualTo(endOf("2026-02-21"));
        assertThat(deadlines.remindAt(received, due, Duration.ofDays(90))).isEqualTo(received);
    }
}
