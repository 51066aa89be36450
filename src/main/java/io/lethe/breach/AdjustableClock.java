package io.lethe.breach;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The breach register's clock: the system clock, which tests (and a demonstration) may replace to move through the
 * 72 hours without waiting for them. Bound as {@code breachClock}.
 */
public final class AdjustableClock extends Clock {

    private volatile Clock delegate;

    public AdjustableClock(Clock delegate) {
        this.delegate = delegate;
    }

    public void set(Clock clock) {
        this.delegate = clock;
    }

    @Override
    public ZoneId getZone() {
        return delegate.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return delegate.withZone(zone);
    }

    @Override
    public Instant instant() {
        return delegate.instant();
    }
}
