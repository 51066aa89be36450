package io.lethe.webhooks;

import java.time.Duration;
import java.time.Instant;

/**
 * When a failed delivery is tried again, and when it is given up. The n-th retry waits {@code first * 2^(n-1)},
 * capped at {@code max}, "equal jitter": a random point in the upper half of that wait, so receivers that come back
 * are not hit by every hub at the same second while the order of magnitude stays predictable. A delivery is given up
 * after {@code maxAttempts} attempts or once {@code giveUpAfter} has passed since its event.
 */
public record Backoff(Duration first, Duration max, int maxAttempts, Duration giveUpAfter) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("webhook backoff: first > 0, max >= first, attempts >= 1");
        }
    }

    /** The wait after {@code attempts} failed attempts (1 = the first failed); {@code random} in [0, 1). */
    public Duration delay(int attempts, double random) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        long full = first.toMillis() << doublings;
        if (full <= 0 || full > max.toMillis()) {
            full = max.toMillis();
        }
        long half = full / 2;
        return Duration.ofMillis(half + (long) (random * (full - half)));
    }

    /** Whether a delivery that has now failed {@code attempts} times, for an event of {@code occurredAt}, stops. */
    public boolean givesUp(int attempts, Instant occurredAt, Instant now) {
        return attempts >= maxAttempts || !now.isBefore(occurredAt.plus(giveUpAfter));
    }
}
