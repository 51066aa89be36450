package io.lethe.breach;

import java.time.Duration;
import java.time.Instant;

/**
 * The Art. 33(1) clock: the supervisory authority is to be notified without undue delay and, where feasible, within
 * 72 hours of becoming aware; a later notification carries the reasons for the delay. {@code hoursLeft} counts
 * whole hours from now (or from the notification, once made) to the deadline, rounded down, so it is negative once
 * the deadline has passed. {@code overdue}: the deadline has passed and the authority was not notified.
 */
public record BreachClock(Instant awareAt, Instant deadline, long hoursSinceAware, long hoursLeft, boolean overdue,
        boolean authorityNotified, boolean notifiedLate) {

    public static final Duration WINDOW = Duration.ofHours(72);
    /** The DPO is reminded at these points after awareness, unless the authority was notified by then. */
    public static final Duration FIRST_REMINDER = Duration.ofHours(24);
    public static final Duration SECOND_REMINDER = Duration.ofHours(60);

    public static BreachClock of(Instant awareAt, Instant notifiedAt, Instant now) {
        Instant deadline = awareAt.plus(WINDOW);
        Instant until = notifiedAt != null ? notifiedAt : now;
        long hoursLeft = Math.floorDiv(Duration.between(until, deadline).getSeconds(), 3600);
        long since = Math.floorDiv(Duration.between(awareAt, now).getSeconds(), 3600);
        boolean notified = notifiedAt != null;
        return new BreachClock(awareAt, deadline, since, hoursLeft, !notified && now.isAfter(deadline), notified,
                notified && isLate(awareAt, notifiedAt));
    }

    /** A notification at {@code notifiedAt} comes after the 72 hours and must give the reasons for the delay. */
    public static boolean isLate(Instant awareAt, Instant notifiedAt) {
        return notifiedAt.isAfter(awareAt.plus(WINDOW));
    }

    /** Which reminder is due at {@code now} and not yet sent: 60 (overtakes an unsent 24), 24, or 0 for none. */
    public static int reminderDue(Breach b, Instant now) {
        if (b.authorityNotifiedAt() != null) {
            return 0;
        }
        if (b.reminded60hAt() == null && !now.isBefore(b.awareAt().plus(SECOND_REMINDER))) {
            return 60;
        }
        if (b.reminded24hAt() == null && b.reminded60hAt() == null && !now.isBefore(b.awareAt().plus(FIRST_REMINDER))) {
            return 24;
        }
        return 0;
    }
}
