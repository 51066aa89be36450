package io.lethe.demo.sandbox;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A vendor's rate limit as its fake enforces it: at most {@code limit} requests in any {@code periodMillis} (sliding,
 * so stricter than the vendor's fixed windows: a client that passes here passes there). Thread-safe.
 */
public final class SlidingWindow {

    private final int limit;
    private final long periodMillis;
    private final Clock clock;
    private final Deque<Long> taken = new ArrayDeque<>();

    public SlidingWindow(int limit, long periodMillis, Clock clock) {
        this.limit = limit;
        this.periodMillis = periodMillis;
        this.clock = clock;
    }

    /** Takes one permit, or returns false when the window is full (the request is then refused with a 429). */
    public synchronized boolean tryAcquire() {
        long now = clock.millis();
        while (!taken.isEmpty() && taken.peekFirst() <= now - periodMillis) {
            taken.pollFirst();
        }
        if (taken.size() >= limit) {
            return false;
        }
        taken.addLast(now);
        return true;
    }

    public int limit() {
        return limit;
    }

    public synchronized int remaining() {
        return Math.max(0, limit - taken.size());
    }

    /** When the oldest permit leaves the window, in epoch milliseconds (now when the window is empty). */
    public synchronized long resetAtMillis() {
        return taken.isEmpty() ? clock.millis() : taken.peekFirst() + periodMillis;
    }

    /** Whole seconds until a permit is free again (at least 1: what Retry-After style headers say). */
    public long secondsUntilReset() {
        return Math.max(1, (resetAtMillis() - clock.millis() + 999) / 1000);
    }
}
