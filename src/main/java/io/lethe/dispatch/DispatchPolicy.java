package io.lethe.dispatch;

import java.time.Duration;

/**
 * Timing of dispatch. {@code lease}: how long a claim
 * holds before another claimer may take it; in-place retries handle short blips, the outbox handles the rest with
 * exponential backoff capped at {@code maxBackoff}, forever: a command is never dropped. {@code requestWindow}: how
 * long the first sending of a data-subject request's commands may wait for its batch to fill (withdrawals never wait);
 * {@code requestQuiet}: they leave sooner once no new one has come for this long (a lone request waits only that).
 */
public record DispatchPolicy(Duration lease, int inPlaceRetries, Duration maxInPlaceWait,
        Duration firstBackoff, Duration maxBackoff, String dpoEmail, Duration requestWindow, Duration requestQuiet) {

    public DispatchPolicy(Duration lease, int inPlaceRetries, Duration maxInPlaceWait, Duration firstBackoff,
            Duration maxBackoff, String dpoEmail) {
        this(lease, inPlaceRetries, maxInPlaceWait, firstBackoff, maxBackoff, dpoEmail, Duration.ZERO, Duration.ZERO);
    }

    /** Backoff before the next claim after {@code attempts} tries, with ±20 % jitter ({@code random} in [0, 1)). */
    public Duration backoff(int attempts, double random) {
        double base = firstBackoff.toMillis() * Math.pow(2, Math.max(0, attempts - 1));
        double capped = Math.min(base, maxBackoff.toMillis());
        return Duration.ofMillis(Math.round(capped * (0.8 + 0.4 * random)));
    }
}
