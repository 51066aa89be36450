package io.lethe.demo.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A vendor's asynchronous work (queued deletions, erase jobs): each job runs when its delay has passed (checked on
 * every request) or when a test calls {@link #completeAll()}. A null delay means only {@code completeAll()} runs them.
 */
public final class PendingJobs {

    private record Job(long dueAtMillis, Runnable work) {
    }

    private final Clock clock;
    private volatile Duration delay;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final List<String> done = new ArrayList<>();

    public PendingJobs(Clock clock, Duration delay) {
        this.clock = clock;
        this.delay = delay;
    }

    public void delay(Duration delay) {
        this.delay = delay;
    }

    public synchronized void add(String id, Runnable work) {
        Duration d = delay;
        jobs.put(id, new Job(d == null ? Long.MAX_VALUE : clock.millis() + d.toMillis(), work));
    }

    /** Runs the jobs that are due. */
    public synchronized void runDue() {
        long now = clock.millis();
        for (var it = jobs.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (e.getValue().dueAtMillis() <= now) {
                e.getValue().work().run();
                done.add(e.getKey());
                it.remove();
            }
        }
    }

    /** Runs every pending job now (tests). */
    public synchronized void completeAll() {
        jobs.forEach((id, job) -> {
            job.work().run();
            done.add(id);
        });
        jobs.clear();
    }

    public synchronized boolean isPending(String id) {
        return jobs.containsKey(id);
    }

    public synchronized boolean isDone(String id) {
        return done.contains(id);
    }

    public synchronized int pending() {
        return jobs.size();
    }
}
