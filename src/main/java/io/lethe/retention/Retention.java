package io.lethe.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;
import io.lethe.notify.Templates;
import io.lethe.requests.RequestService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention (config/retention.yaml): each enabled policy names the subjects whose time is up, and a run files an
 * ordinary erasure request for each ({@link RequestService#fileRetentionErasure}, filed by {@code retention:<policy>}),
 * skipping subjects on legal hold and subjects whose erasure is still open. A run that would file more than the
 * policy's {@code limit} files nothing and alerts the DPO instead. The daily run (routes/retention.camel.yaml, cron
 * {@code LETHE_RETENTION_CRON}) claims each policy's day in the register, so two hubs never run it twice; a run from
 * the API or console runs at once. The DPO gets one summary mail per run, counts only.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    /** A run still 'running' after this was left by a stopped hub. */
    static final Duration STALE_AFTER = Duration.ofHours(6);
    /** Subject ids a preview lists at most per policy (the counts cover all). */
    public static final int PREVIEW_MAX = 1000;

    /** A subject whose time is up under a policy, and the last activity that counts. */
    public record Candidate(String subjectId, Instant lastActivity) {
    }

    /** What a dry run shows of one policy: the subjects a run now would erase, and those it would skip. */
    public record PolicyPreview(RetentionPolicy policy, Instant cutoff, int selected, List<Candidate> toErase,
            int toEraseCount, List<String> held, List<String> alreadyOpen, boolean overLimit) {
    }

    /** One policy's run, counts only. */
    public record Run(String id, String policy, String startedBy, String status, int selected, int filed, int held,
            int alreadyOpen, Instant startedAt, Instant finishedAt, String error) {
    }

    /** What a finished run counted. */
    record Counts(int selected, int filed, int held, int alreadyOpen) {
    }

    private final RetentionPolicies policies;
    private final RetentionSelection selection;
    private final RetentionRuns runs;
    private final RequestService requests;
    private final MailOutbox mail;
    private final Templates templates;
    private final String dpoEmail;
    private final Clock clock;

    public Retention(RetentionPolicies policies, DataSource dataSource, RequestService requests, MailOutbox mail,
            Templates templates, String dpoEmail, Clock clock) {
        this.policies = policies;
        this.selection = new RetentionSelection(dataSource);
        this.runs = new RetentionRuns(dataSource, clock);
        this.requests = requests;
        this.mail = mail;
        this.templates = templates;
        this.dpoEmail = dpoEmail;
        this.clock = clock;
    }

    public RetentionPolicies policies() {
        return policies;
    }

    /** The dry run: per enabled policy, what a run now would file and skip. Nothing is changed. */
    public List<PolicyPreview> preview() {
        Instant now = clock.instant();
        List<PolicyPreview> out = new ArrayList<>();
        for (RetentionPolicy p : policies.enabled()) {
            Partition part = partition(p, now);
            out.add(new PolicyPreview(p, p.cutoff(now), part.selected, part.toErase.subList(0,
                    Math.min(PREVIEW_MAX, part.toErase.size())), part.toErase.size(), part.held, part.alreadyOpen,
                    p.limit() != null && part.toErase.size() > p.limit()));
        }
        return out;
    }

    /** The daily run (the cron route): each enabled policy once per UTC day across every hub on the register. */
    public List<Run> runScheduled() {
        Instant now = clock.instant();
        int stale = runs.failStale(now.minus(STALE_AFTER));
        if (stale > 0) {
            LOG.warn("{} retention run(s) left running by a stopped hub are marked failed", stale);
        }
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<String> claimed = new ArrayList<>();
        for (RetentionPolicy p : policies.enabled()) {
            runs.claim(p.id(), p.id() + "/" + day, "schedule").ifPresent(claimed::add);
        }
        return execute(claimed);
    }

    /** A run now (API, console): claims a run of each enabled policy and returns their ids; {@link #execute} runs them. */
    public List<String> claimNow(String startedBy) {
        List<String> claimed = new ArrayList<>();
        for (RetentionPolicy p : policies.enabled()) {
            runs.claim(p.id(), null, startedBy).ifPresent(claimed::add);
        }
        return claimed;
    }

    /** Runs claimed runs one after the other, then sends the DPO one summary. */
    public List<Run> execute(List<String> runIds) {
        List<Run> done = new ArrayList<>();
        for (String id : runIds) {
            Run claimed = runs.find(id).orElseThrow();
            policies.find(claimed.policy()).ifPresentOrElse(p -> runOne(id, p),
                    () -> runs.finish(id, "failed", new Counts(0, 0, 0, 0), "policy no longer in the file"));
            done.add(runs.find(id).orElseThrow());
        }
        summarise(done);
        return done;
    }

    /** The route step of runs started from the API or console: their ids, comma-separated. */
    public List<Run> executeClaimed(String runIds) {
        return execute(java.util.Arrays.stream(runIds.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toList());
    }

    public List<Run> recent(int max) {
        return runs.recent(max);
    }

    public java.util.Optional<Run> find(String runId) {
        return runs.find(runId);
    }

    private void runOne(String runId, RetentionPolicy p) {
        Partition part;
        try {
            part = partition(p, clock.instant());
        } catch (RuntimeException e) {
            LOG.error("Retention policy {}: selecting its subjects failed", p.id(), e);
            runs.finish(runId, "failed", new Counts(0, 0, 0, 0), "selection failed: " + e.getClass().getSimpleName());
            return;
        }
        int held = part.held.size();
        int open = part.alreadyOpen.size();
        if (p.limit() != null && part.toErase.size() > p.limit()) {
            LOG.warn("Retention policy {} would erase {} subjects, over its limit of {}: nothing filed, the DPO is told",
                    p.id(), part.toErase.size(), p.limit());
            runs.finish(runId, "limit_exceeded", new Counts(part.selected, 0, held, open), "would file "
                    + part.toErase.size() + " erasures, over the limit of " + p.limit() + ": nothing filed");
            return;
        }
        int filed = 0;
        try {
            for (Candidate c : part.toErase) {
                if (requests.fileRetentionErasure(c.subjectId(), p.id(), p.scope()).isPresent()) {
                    filed++;
                } else {
                    open++; // an erasure was filed meanwhile (another hub, a person), or the subject is gone
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Retention policy {}: filing failed after {} erasure(s); the next run takes the rest", p.id(),
                    filed, e);
            runs.finish(runId, "failed", new Counts(part.selected, filed, held, open), "filing failed after " + filed
                    + " erasure(s): " + e.getClass().getSimpleName());
            return;
        }
        LOG.info("Retention policy {}: {} subject(s) selected, {} erasure(s) filed, {} on legal hold, {} already open",
                p.id(), part.selected, filed, held, open);
        runs.finish(runId, "completed", new Counts(part.selected, filed, held, open), null);
    }

    private record Partition(int selected, List<Candidate> toErase, List<String> held, List<String> alreadyOpen) {
    }

    private Partition partition(RetentionPolicy p, Instant now) {
        List<Candidate> selected = selection.select(p, now);
        List<String> ids = selected.stream().map(Candidate::subjectId).toList();
        Set<String> held = requests.holds() == null ? Set.of() : requests.holds().held(ids);
        Set<String> open = requests.withOpenErasure(ids);
        List<Candidate> toErase = new ArrayList<>();
        List<String> heldIds = new ArrayList<>();
        List<String> openIds = new ArrayList<>();
        for (Candidate c : selected) {
            if (held.contains(c.subjectId())) {
                heldIds.add(c.subjectId());
            } else if (open.contains(c.subjectId())) {
                openIds.add(c.subjectId());
            } else {
                toErase.add(c);
            }
        }
        return new Partition(selected.size(), toErase, heldIds, openIds);
    }

    /** One mail for the run, counts only; none when no policy selected anyone and all went well. */
    private void summarise(List<Run> done) {
        boolean worthTelling = done.stream().anyMatch(r -> r.selected() > 0 || !r.status().equals("completed"));
        if (!worthTelling || dpoEmail == null || dpoEmail.isBlank()) {
            return;
        }
        int filed = done.stream().mapToInt(Run::filed).sum();
        List<String> exceeded = done.stream().filter(r -> r.status().equals("limit_exceeded")).map(Run::policy).toList();
        List<String> failed = done.stream().filter(r -> r.status().equals("failed")).map(Run::policy).toList();
        StringBuilder lines = new StringBuilder();
        for (Run r : done) {
            lines.append("  ").append(r.policy()).append(": ").append(r.selected()).append(" selected, ")
                    .append(r.filed()).append(" erasure(s) filed, ").append(r.held()).append(" skipped on legal hold, ")
                    .append(r.alreadyOpen()).append(" with an erasure already open: ").append(r.status().replace('_', ' '))
                    .append(r.error() == null ? "" : " (" + r.error() + ")").append('\n');
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("headline", !exceeded.isEmpty() ? "LIMIT EXCEEDED for " + String.join(", ", exceeded)
                + ", nothing filed by it" : !failed.isEmpty() ? "FAILED for " + String.join(", ", failed)
                : filed + " erasure(s) filed");
        values.put("at", done.isEmpty() ? clock.instant().toString() : done.get(0).startedAt().toString());
        values.put("startedBy", done.isEmpty() ? "" : done.get(0).startedBy());
        values.put("summary", lines.toString());
        Templates.Message m = templates.render("dpo-retention", values);
        mail.enqueue("dpo-retention", MailOutbox.Recipient.DPO, null, new OutgoingMail(dpoEmail, m.subject(),
                m.body()));
    }
}
