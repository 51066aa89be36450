package io.lethe.reconcile;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.VendorContact;
import io.lethe.db.Transactions;
import io.lethe.dispatch.Outbox;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;
import io.lethe.register.ConsentRegister;
import io.lethe.register.ConsentStatus;
import io.lethe.register.Evidence;
import io.lethe.register.IdentityKind;
import io.lethe.register.LawfulBasis;
import io.lethe.requests.Regulation;
import io.lethe.requests.RequestService;
import io.lethe.requests.RequestType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation run: the vendor's contacts are read page by page (one page in memory), each page is matched
 * against the register with a few set-based queries, and every contact falls under at most one rule:
 * <ul>
 * <li>{@code reimport}: the address is in the suppression register (erased earlier) - erase it again everywhere
 * and alert the DPO;</li>
 * <li>{@code unknown_contact}: nobody in the register - registered as a subject with no consent on record, flagged
 * for the risk report, never as consented;</li>
 * <li>{@code optout_repair}: the vendor mails the person, the register says withdrawn or denied - the opt-out is
 * pushed again;</li>
 * <li>{@code vendor_optout}: the vendor says unsubscribed, the register says granted - a withdrawal is recorded with
 * source {@code vendor:<id>} and what was seen as evidence, and propagates to every other vendor.</li>
 * </ul>
 * A dry run counts and lists what it would do, and changes nothing.
 */
public final class Reconciler {

    static final String PURPOSE = "email_marketing";
    static final int WORKERS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ReconcileRuns runs;
    private final Connectors connectors;
    private final io.lethe.connectors.engine.StateReader engine;
    private final ConsentRegister register;
    private final Outbox outbox;
    private final RequestService requests;
    private final MailOutbox mail;
    private final String dpoEmail;
    private final DataSource dataSource;
    private final Clock clock;

    public Reconciler(ReconcileRuns runs, Connectors connectors, io.lethe.connectors.engine.StateReader engine,
            ConsentRegister register, Outbox outbox,
            RequestService requests, MailOutbox mail, String dpoEmail, DataSource dataSource, Clock clock) {
        this.runs = runs;
        this.connectors = connectors;
        this.engine = engine;
        this.register = register;
        this.outbox = outbox;
        this.requests = requests;
        this.mail = mail;
        this.dpoEmail = dpoEmail;
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Body of the seda route: "runId|connector|dryRun|incremental". */
    public void execute(String job) {
        String[] p = job.split("\\|");
        run(p[0], p[1], Boolean.parseBoolean(p[2]), Boolean.parseBoolean(p[3]));
    }

    public void run(String runId, String connectorId, boolean dryRun, boolean incremental) {
        Connector connector = connectors.enabled(connectorId).orElseThrow();
        Instant since = incremental ? runs.lastCompleted(connectorId).orElse(null) : null;
        long[] reimports = {0};
        int[] reported = {0};
        // Pages are matched by two workers while the next page is read; at most two pages wait, so memory stays at a
        // few pages whatever the vendor's size.
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(WORKERS);
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(WORKERS);
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        boolean drained = false;
        try {
            engine.readState(connector, since, page -> {
                if (failure.get() != null) {
                    throw failure.get();
                }
                inFlight.acquireUninterruptibly();
                workers.execute(() -> {
                    try {
                        Page result = reconcile(runId, connector, dryRun, page);
                        synchronized (reported) {
                            reported[0] = runs.progress(runId, page.size(), result.counts, result.actions, reported[0]);
                            reimports[0] += result.counts.getOrDefault("reimport", 0L);
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        inFlight.release();
                    }
                });
            });
            inFlight.acquireUninterruptibly(WORKERS); // every page is done
            drained = true;
            if (failure.get() != null) {
                throw failure.get();
            }
            runs.finish(runId, "completed", null);
            if (reimports[0] > 0 && !dryRun) {
                mail.enqueue("dpo-reimport", MailOutbox.Recipient.DPO, null, new OutgoingMail(dpoEmail,
                        "[Lethe] " + reimports[0] + " erased person(s) re-imported at " + connectorId,
                        "Reconciliation run " + runId + " found " + reimports[0] + " person(s) at " + connectorId
                                + " who had been erased. Lethe filed an erasure for each (see the run's report:"
                                + " GET /api/v1/reconcile-runs/" + runId + "). Check the sync that re-imports them.\n"));
            }
        } catch (RuntimeException e) {
            if (!drained) {
                inFlight.acquireUninterruptibly(WORKERS);
            }
            LOG.error("Reconciliation run {} of {} failed: {}", runId, connectorId, e.getClass().getSimpleName()
                    + (e instanceof io.lethe.connectors.VendorException ? " " + e.getMessage() : ""));
            runs.finish(runId, "failed", e instanceof io.lethe.connectors.VendorException ? e.getMessage()
                    : e.getClass().getSimpleName());
        } finally {
            workers.shutdown();
        }
    }

    private record Page(Map<String, Long> counts, List<ReconcileRuns.Action> actions) {
    }

    private Page reconcile(String runId, Connector connector, boolean dryRun, List<VendorContact> contacts) {
        Map<String, VendorContact.State> byEmail = new HashMap<>();
        for (VendorContact c : contacts) {
            IdentityKind.EMAIL.normalise(c.email()).ifPresent(e -> byEmail.merge(e, c.state(),
                    (a, b) -> a == VendorContact.State.SUBSCRIBED || b == VendorContact.State.SUBSCRIBED
                            ? VendorContact.State.SUBSCRIBED : a));
        }
        Map<String, ConsentRegister.EmailMatch> matches = register.match(byEmail.keySet(), PURPOSE);
        Map<String, Long> counts = new HashMap<>();
        List<ReconcileRuns.Action> actions = new ArrayList<>();
        Set<String> optOutSubjects = new LinkedHashSet<>();
        Set<String> withdrawSubjects = new LinkedHashSet<>();
        String status = dryRun ? "would_apply" : "applied";
        for (Map.Entry<String, VendorContact.State> entry : byEmail.entrySet()) {
            String email = entry.getKey();
            VendorContact.State state = entry.getValue();
            ConsentRegister.EmailMatch match = matches.get(email);
            String rule = null;
            String subjectId = match.subjectId();
            String action = null;
            if (match.suppressed() && match.subjectId() == null) {
                rule = "reimport";
                action = "erase again everywhere";
                if (!dryRun) {
                    subjectId = requests.file(new RequestService.Filing(RequestType.ERASURE, Regulation.GDPR,
                            Map.of(IdentityKind.EMAIL, email), List.of(), Map.of(), true, "reconcile:" + runId, true))
                            .map(r -> r.subjectId()).orElse(null);
                }
            } else if (match.subjectId() == null) {
                rule = "unknown_contact";
                action = "register with no consent on record";
                if (!dryRun) {
                    Optional<String> created = register.resolveSubject(Map.of(IdentityKind.EMAIL, email));
                    created.ifPresent(id -> register.flagUnconsented(id, "vendor:" + connector.id()));
                    subjectId = created.orElse(null);
                }
            } else if (state == VendorContact.State.SUBSCRIBED
                    && (match.status() == ConsentStatus.WITHDRAWN || match.status() == ConsentStatus.DENIED)) {
                rule = "optout_repair";
                action = "push opt-out again";
                optOutSubjects.add(subjectId);
            } else if (state == VendorContact.State.UNSUBSCRIBED && match.status() == ConsentStatus.GRANTED) {
                rule = "vendor_optout";
                action = "record withdrawal from vendor:" + connector.id() + " and propagate";
                withdrawSubjects.add(subjectId);
            }
            if (rule != null) {
                counts.merge(rule, 1L, Long::sum);
                actions.add(new ReconcileRuns.Action(rule, subjectId, action, status));
            }
        }
        if (!dryRun && (!optOutSubjects.isEmpty() || !withdrawSubjects.isEmpty())) {
            apply(connector, optOutSubjects, withdrawSubjects);
        }
        return new Page(counts, actions);
    }

    /** Drift repairs of one page, in one transaction with the outbox commands they cause. */
    private void apply(Connector connector, Set<String> optOut, Set<String> withdraw) {
        String seen = connector.id() + " reported the address unsubscribed from marketing e-mail at " + clock.instant();
        try {
            Transactions.inTransaction(dataSource, c -> {
                List<Outbox.NewCommand> commands = new ArrayList<>();
                optOut.forEach(s -> commands.add(new Outbox.NewCommand(connector.id(), s, "opt_out", PURPOSE, null, null)));
                outbox.enqueue(c, commands);
                for (String subjectId : withdraw) {
                    register.recordForSubject(c, subjectId, List.of(PURPOSE), ConsentStatus.WITHDRAWN,
                            LawfulBasis.CONSENT, "vendor:" + connector.id(), Evidence.observed(seen));
                }
                return null;
            });
        } catch (SQLException e) {
            throw new io.lethe.register.RegisterException("applying reconciliation actions failed", e);
        }
    }
}
