package io.lethe.demo.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/** A rolling-window request allowance (HubSpot's "ten-secondly rolling" limit), on a clock tests can move. */
final class RollingWindow {

    private final int max;
    private final long periodMillis;
    private final LongSupplier clock;
    private final Deque<Long> taken = new ArrayDeque<>();

    RollingWindow(int max, long periodMillis, LongSupplier clock) {
        this.max = max;
        this.periodMillis = periodMillis;
        this.clock = clock;
    }

    synchronized boolean tryTake() {
        expire();
        if (taken.size() >= max) {
            return false;
        }
        taken.addLast(clock.getAsLong());
        return true;
    }

    synchronized int remaining() {
        expire();
        return max - taken.size();
    }

    int max() {
        return max;
    }

    synchronized void clear() {
        taken.clear();
    }

    private void expire() {
        long now = clock.getAsLong();
        while (!taken.isEmpty() && taken.peekFirst() <= now - periodMillis) {
            taken.pollFirst();
        }
    }
}
