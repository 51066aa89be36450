package io.lethe.requests;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * When a data-subject request is due, by the rules of its regulation. Dates are counted in the controller's time
 * zone ({@code lethe.requests.zone}), because "one month" and "business day" are calendar notions.
 * <ul>
 * <li>GDPR Art. 12(3): one month from receipt; the same day number of the next month, or that month's last day when
 * it has no such day (31 January → 28 or 29 February). Extendable once by at most two further months.</li>
 * <li>CCPA (Cal. Civ. Code 1798.130, regs. 7021): acknowledge within 10 business days, respond within 45 calendar
 * days; extendable once by 45 more.</li>
 * </ul>
 * A deadline falls at the end of its day (23:59:59.999 local), so a request is never overdue during its last day.
 */
public final class Deadlines {

    public static final int CCPA_RESPONSE_DAYS = 45;
    public static final int CCPA_ACKNOWLEDGE_BUSINESS_DAYS = 10;
    public static final int GDPR_MAX_EXTENSION_MONTHS = 2;

    private final ZoneId zone;
    private final Set<LocalDate> holidays;

    public Deadlines(ZoneId zone, Set<LocalDate> holidays) {
        this.zone = zone;
        this.holidays = Set.copyOf(holidays);
    }

    /** The original due date of a request received at {@code receivedAt}. */
    public Instant due(Regulation regulation, Instant receivedAt) {
        LocalDate received = receivedAt.atZone(zone).toLocalDate();
        LocalDate due = switch (regulation) {
            case GDPR -> received.plusMonths(1); // plusMonths clamps to the month's last day
            case CCPA -> received.plusDays(CCPA_RESPONSE_DAYS);
        };
        return endOfDay(due);
    }

    /**
     * The due date after the one allowed extension. GDPR: by {@code months} (1 or 2) beyond the original deadline;
     * CCPA: always 45 more days.
     */
    public Instant extended(Regulation regulation, Instant originalDue, int months) {
        LocalDate due = originalDue.atZone(zone).toLocalDate();
        LocalDate extended = switch (regulation) {
            case GDPR -> {
                if (months < 1 || months > GDPR_MAX_EXTENSION_MONTHS) {
                    throw new IllegalArgumentException("a GDPR extension is 1 or 2 months");
                }
                yield due.plusMonths(months);
            }
            case CCPA -> due.plusDays(CCPA_RESPONSE_DAYS);
        };
        return endOfDay(extended);
    }

    /** CCPA: the acknowledgement is due within 10 business days (weekends and configured holidays do not count). */
    public Instant acknowledgeBy(Instant receivedAt) {
        LocalDate day = receivedAt.atZone(zone).toLocalDate();
        int counted = 0;
        while (counted < CCPA_ACKNOWLEDGE_BUSINESS_DAYS) {
            day = day.plusDays(1);
            if (isBusinessDay(day)) {
                counted++;
            }
        }
        return endOfDay(day);
    }

    public boolean isBusinessDay(LocalDate day) {
        return day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY
                && !holidays.contains(day);
    }

    /** When the DPO is reminded: {@code lead} before the due date, but never before receipt. */
    public Instant remindAt(Instant receivedAt, Instant due, Duration lead) {
        Instant at = due.minus(lead);
        return at.isBefore(receivedAt) ? receivedAt : at;
    }

    private Instant endOfDay(LocalDate day) {
        ZonedDateTime end = day.plusDays(1).atStartOfDay(zone).minusNanos(1_000_000);
        return end.toInstant();
    }
}
