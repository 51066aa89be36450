package io.lethe.demo.sandbox;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/** A vendor's request rate limit as a sliding window: at most {@code requests} per {@code periodMillis}. */
public final class SandboxRateLimit {

    private final int requests;
    private final long periodMillis;
    private final Clock clock;
    private final Deque<Long> recent = new ArrayDeque<>();

    public SandboxRateLimit(int requests, long periodMillis, Clock clock) {
        this.requests = requests;
        this.periodMillis = periodMillis;
        this.clock = clock;
    }

    /** True when one more request fits the window (and counts it); false: the vendor answers 429. */
    public synchronized boolean tryAcquire() {
        long now = clock.millis();
        while (!recent.isEmpty() && recent.peekFirst() <= now - periodMillis) {
            recent.removeFirst();
        }
        if (recent.size() >= requests) {
            return false;
        }
        recent.addLast(now);
        return true;
    }

    /** Whole seconds until one more request fits (at least 1). */
    public synchronized long secondsUntilFree() {
        long now = clock.millis();
        Long oldest = recent.peekFirst();
        return oldest == null ? 1 : Math.max(1, (oldest + periodMillis - now + 999) / 1000);
    }
}
