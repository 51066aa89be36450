package io.lethe.demo.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A vendor's asynchronous jobs (deletions, suppressions, retrievals) for the analytics behaviours: each job moves
 * queued → running → done (or failed) only when told. Tests move them with {@link #startAll()}, {@link #finishAll()}
 * and {@link #failNext(int)}; the demo gives an {@code autoFinish} delay so jobs finish by themselves. A job's effect
 * on the vendor's data (the people it deletes) runs once, when it finishes.
 */
public final class SandboxJobs {

    /** Where a job is; each vendor names these its own way. */
    public enum State { QUEUED, RUNNING, DONE, FAILED }

    /** One job: its vendor id, kind (e.g. the regulation type), the ids it covers, what it does when done. */
    public static final class Job {
        public final String id;
        public final String kind;
        public final List<String> ids;
        public final Instant created;
        public final Map<String, String> attributes = new LinkedHashMap<>();
        private final Consumer<Job> onDone;
        private volatile State state = State.QUEUED;
        private volatile Instant finished;

        Job(String id, String kind, List<String> ids, Instant created, Consumer<Job> onDone) {
            this.id = id;
            this.kind = kind;
            this.ids = List.copyOf(ids);
            this.created = created;
            this.onDone = onDone;
        }

        public State state() {
            return state;
        }

        public Instant finished() {
            return finished;
        }
    }

    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Clock clock;
    private final Duration autoFinish;
    private int failNext;

    /** @param autoFinish jobs finish by themselves this long after creation (demo); null: only when told (tests) */
    public SandboxJobs(Clock clock, Duration autoFinish) {
        this.clock = clock;
        this.autoFinish = autoFinish;
    }

    public synchronized Job create(String kind, List<String> ids, Consumer<Job> onDone) {
        return create(UUID.randomUUID().toString().replace("-", ""), kind, ids, onDone);
    }

    public synchronized Job create(String id, String kind, List<String> ids, Consumer<Job> onDone) {
        Job job = new Job(id, kind, ids, clock.instant(), onDone);
        jobs.put(id, job);
        return job;
    }

    /** The job with its state brought up to date (demo auto-finish), or null. */
    public synchronized Job find(String id) {
        Job job = jobs.get(id);
        if (job != null && autoFinish != null && job.state.ordinal() < State.DONE.ordinal()
                && !job.created.plus(autoFinish).isAfter(clock.instant())) {
            finish(job);
        }
        return job;
    }

    public synchronized List<Job> all() {
        List<Job> all = new ArrayList<>();
        for (String id : new ArrayList<>(jobs.keySet())) {
            all.add(find(id));
        }
        return all;
    }

    /** Queued jobs start running (the vendor picked them up). */
    public synchronized void startAll() {
        jobs.values().stream().filter(j -> j.state == State.QUEUED).forEach(j -> j.state = State.RUNNING);
    }

    /** Every unfinished job finishes: done, or failed for the next {@link #failNext(int)} ones. */
    public synchronized void finishAll() {
        jobs.values().stream().filter(j -> j.state.ordinal() < State.DONE.ordinal()).toList().forEach(this::finish);
    }

    /** The next {@code n} jobs to finish fail instead (nothing of theirs is deleted). */
    public synchronized void failNext(int n) {
        failNext += n;
    }

    public synchronized int count() {
        return jobs.size();
    }

    private void finish(Job job) {
        job.finished = clock.instant();
        if (failNext > 0) {
            failNext--;
            job.state = State.FAILED;
            return;
        }
        job.state = State.DONE;
        job.onDone.accept(job);
    }

    /** Jobs as plain data for {@code /_sandbox/state} (ids count only: they are personal data of a kind). */
    public synchronized List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Job j : all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", j.id);
            m.put("kind", j.kind);
            m.put("state", j.state.name());
            m.put("ids", j.ids.size());
            out.add(m);
        }
        return out;
    }
}
