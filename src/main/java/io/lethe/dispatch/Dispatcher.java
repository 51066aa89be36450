package io.lethe.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.lethe.audit.SyncEntry;
import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.Target;
import io.lethe.connectors.TargetOutcome;
import io.lethe.connectors.VendorException;
import io.lethe.connectors.engine.ConnectorEngine;
import io.lethe.connectors.engine.OperationFailed;
import io.lethe.connectors.engine.VendorCalls;
import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the {@code connector-dispatch} route template (routes/dispatch.camel.yaml): claim what is due, hand
 * each action's commands to the connector engine, record each subject's outcome; and the route's failure steps:
 * reschedule, park, escalate. Each vendor call is retried in its own route (routes/connectors.camel.yaml); what
 * reaches this class has outlived those retries. Logs name connectors, counts and command ids only.
 */
public final class Dispatcher implements VendorCalls.AttemptListener {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final String BATCH = "lethe.batch";

    private final Outbox outbox;
    private final Connectors connectors;
    private final ConsentRegister register;
    private final ConnectorEngine engine;
    private final DispatchPolicy policy;
    private final Clock clock;
    private final ThreadLocal<Map<Long, Command>> inFlight = ThreadLocal.withInitial(HashMap::new);
    private Function<Command, Map<String, String>> changes = c -> Map.of();
    private Function<Command, String> regulation = c -> null;
    private DispatchMetrics metrics;

    public Dispatcher(Outbox outbox, Connectors connectors, ConsentRegister register, ConnectorEngine engine,
            DispatchPolicy policy, Clock clock) {
        this.outbox = outbox;
        this.connectors = connectors;
        this.register = register;
        this.engine = engine;
        this.policy = policy;
        this.clock = clock;
    }

    private VendorQuotas quotas;
    private VendorQuotas.Declared declaredQuotas = (connector, operation) -> java.util.Optional.empty();

    /** Vendor quotas (ids per day or month) are counted before each call; what does not fit waits (VendorQuotas). */
    public void setQuotas(VendorQuotas quotas, VendorQuotas.Declared declared) {
        this.quotas = quotas;
        this.declaredQuotas = declared;
    }

    private SubjectHolds holds;

    /** Legal holds: no erase (nor withdrawal turned into one) goes out for a subject on hold. */
    public void setHolds(SubjectHolds holds) {
        this.holds = holds;
    }

    public void setMetrics(DispatchMetrics metrics) {
        this.metrics = metrics;
    }

    /** Where a rectify command's corrected fields and a command's regulation come from (its request). */
    public void setRequestDetails(Function<Command, Map<String, String>> changes, Function<Command, String> regulation) {
        this.changes = changes;
        this.regulation = regulation;
    }

    /**
     * Route step: everything due for the connector, up to its largest batch, or null. A lone withdrawal leaves at
     * once, and commands that arrive while a call is in flight gather into the next batch; the commands of
     * data-subject requests alone wait up to the request window for their batch to fill (lethe.dispatch.request-window).
     */
    public Batch claim(String connectorId) {
        Connector connector = connectors.enabled(connectorId).orElseThrow();
        List<Command> commands = outbox.claim(connectorId, connector.descriptor().claimSize(), Duration.ZERO,
                policy.requestWindow(), policy.requestQuiet(), policy.lease());
        return commands.isEmpty() ? null : new Batch(connectorId, new ArrayList<>(commands));
    }

    /**
     * Route step: runs each action's commands through the engine; the body becomes the per-command outcomes. When a
     * call fails beyond its retries, the outcomes already known are recorded at once and only the unfinished commands
     * go on to the route's failure handling.
     */
    public void push(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        exchange.setProperty(BATCH, batch);
        Connector connector = connectors.enabled(batch.connector()).orElseThrow();
        String kind = connector.descriptor().identity();
        List<String> subjects = batch.commands().stream().map(Command::subjectId).toList();
        Map<String, List<String>> emails = kind.equals("external_id") ? Map.of()
                : register.identities(subjects, IdentityKind.EMAIL);
        Map<String, List<String>> externalIds = kind.equals("email") ? Map.of()
                : register.identities(subjects, IdentityKind.EXTERNAL_ID);
        Map<String, List<Target>> byOperation = new LinkedHashMap<>();
        List<TargetOutcome> outcomes = new ArrayList<>();
        Map<Long, Command> commands = inFlight.get();
        java.util.Set<String> held = held(connector, batch.commands());
        for (Command c : batch.commands()) {
            commands.put(c.id(), c);
            boolean onHold = held.contains(c.subjectId());
            if (onHold && c.action().equals("erase")) { // the last check: whatever queued it, no erase of a held subject
                outcomes.add(new TargetOutcome(c.id(), "skipped", null, HELD + ": no erase command sent"));
                continue;
            }
            String operation = operation(connector, c, onHold);
            if (operation == null) {
                outcomes.add(new TargetOutcome(c.id(), "skipped", null, connector.title()
                        + (onHold && erasesOnWithdrawal(connector, c) ? " has no server-side opt-out and the subject"
                                + " is under " + HELD + ", so the withdrawal is not turned into an erasure"
                                : " has no server-side opt-out (eraseOnWithdrawal deletes the history instead)")));
                continue;
            }
            byOperation.computeIfAbsent(operation, k -> new ArrayList<>()).add(new Target(c.id(), c.subjectId(),
                    c.action(), c.purpose(), emails.getOrDefault(c.subjectId(), List.of()),
                    externalIds.getOrDefault(c.subjectId(), List.of()),
                    c.action().equals("rectify") ? changes.apply(c) : Map.of(), c.requestId(), regulation.apply(c)));
        }
        withinQuota(batch, byOperation);
        try {
            for (Map.Entry<String, List<Target>> group : byOperation.entrySet()) {
                try {
                    outcomes.addAll(engine.run(connector, group.getKey(), group.getValue()));
                } catch (OperationFailed partial) {
                    outcomes.addAll(partial.done());
                    settleFinished(batch, outcomes);
                    throw partial.cause();
                }
            }
        } finally {
            commands.clear();
        }
        exchange.getMessage().setBody(outcomes);
    }

    /**
     * Commands beyond the vendor's quota for this period are taken out of the batch and wait for the next period
     * (outcome {@code parked}, the connector parked until then, the DPO told once by {@link VendorQuotas}).
     */
    private void withinQuota(Batch batch, Map<String, List<Target>> byOperation) {
        if (quotas == null) {
            return;
        }
        Map<Long, Command> byId = new HashMap<>();
        batch.commands().forEach(c -> byId.put(c.id(), c));
        java.util.Set<Long> allDeferred = new java.util.HashSet<>();
        for (Map.Entry<String, List<Target>> group : byOperation.entrySet()) {
            java.util.Optional<VendorQuotas.Quota> quota = declaredQuotas.of(batch.connector(), group.getKey());
            if (quota.isEmpty()) {
                continue;
            }
            VendorQuotas.Admission admission = quotas.admit(batch.connector(), quota.get(),
                    group.getValue().stream().map(t -> byId.get(t.commandId())).toList());
            if (admission.deferred().isEmpty()) {
                continue;
            }
            java.util.Set<Long> deferred = new java.util.HashSet<>();
            admission.deferred().forEach(c -> deferred.add(c.id()));
            group.getValue().removeIf(t -> deferred.contains(t.commandId()));
            allDeferred.addAll(deferred);
            outbox.park(batch.connector(), admission.nextPeriod(), admission.reason());
            outbox.reschedule(List.copyOf(deferred), admission.nextPeriod(), "parked", admission.reason(),
                    admission.deferred().stream().map(c -> entry(c, "parked", null, admission.reason())).toList());
        }
        byOperation.values().removeIf(List::isEmpty);
        // the deferred commands are rescheduled: neither this batch's outcomes nor a failure of its calls are theirs
        batch.commands().removeIf(c -> allDeferred.contains(c.id()));
    }

    /** The operation a command runs at this connector, or null for a withdrawal the vendor cannot act on. */
    public static String operation(Connector connector, Command c) {
        return operation(connector, c, false);
    }

    /**
     * The same for a subject on legal hold or not: while a hold is active a withdrawal is never turned into an
     * erasure (eraseOnWithdrawal); it does what a plain withdrawal does there (here: nothing, the purpose is skipped).
     */
    static String operation(Connector connector, Command c, boolean onHold) {
        if (!c.action().equals("opt_out")) {
            return ConnectorDescriptor.ACTION_OPERATIONS.get(c.action());
        }
        String mapped = connector.purposes().getOrDefault(c.purpose(), "optOut");
        if (mapped.equals("skip")) {
            return erasesOnWithdrawal(connector, c) && !onHold ? "erase" : null;
        }
        return mapped;
    }

    private static boolean erasesOnWithdrawal(Connector connector, Command c) {
        return c.action().equals("opt_out") && connector.purposes().getOrDefault(c.purpose(), "optOut").equals("skip")
                && Boolean.parseBoolean(connector.setting("eraseOnWithdrawal"));
    }

    private static final String HELD = "legal hold (GDPR Art. 17(3))";

    /** The subjects of the batch on legal hold, asked only when the batch could erase something. */
    private java.util.Set<String> held(Connector connector, List<Command> batch) {
        if (holds == null) {
            return java.util.Set.of();
        }
        List<String> erasing = batch.stream().filter(c -> c.action().equals("erase") || erasesOnWithdrawal(connector, c))
                .map(Command::subjectId).toList();
        return erasing.isEmpty() ? java.util.Set.of() : holds.held(erasing);
    }

    /** Records the outcomes known before a failure and leaves only the unfinished commands in the batch. */
    private void settleFinished(Batch batch, List<TargetOutcome> known) {
        if (known.isEmpty()) {
            return;
        }
        Map<Long, TargetOutcome> byId = new HashMap<>();
        known.forEach(o -> byId.put(o.commandId(), o));
        List<Command> finished = batch.commands().stream().filter(c -> byId.containsKey(c.id())).toList();
        finish(new Batch(batch.connector(), finished), known);
        batch.commands().removeIf(c -> byId.containsKey(c.id()));
    }

    /** Route step: finish every command of the batch with its outcome and sync-log entry, in one transaction. */
    public void record(Exchange exchange) {
        Batch batch = exchange.getProperty(BATCH, Batch.class);
        @SuppressWarnings("unchecked")
        List<TargetOutcome> outcomes = exchange.getMessage().getBody(List.class);
        finish(batch, outcomes);
        exchange.removeProperty(BATCH); // finished: a later failure in this exchange is not this batch's
    }

    private void finish(Batch batch, List<TargetOutcome> outcomes) {
        Map<Long, Command> byId = new HashMap<>();
        batch.commands().forEach(c -> byId.put(c.id(), c));
        List<Outbox.Result> results = new ArrayList<>();
        List<SyncEntry> entries = new ArrayList<>();
        for (TargetOutcome o : outcomes) {
            Command c = byId.get(o.commandId());
            CommandStatus status = switch (o.outcome()) {
                case "delivered", "not_found", "verified", "completed", "submitted" -> CommandStatus.DONE;
                case "skipped" -> CommandStatus.SKIPPED;
                // A webhook receiver answered 202: the results come later to POST /api/v1/callbacks/{connectorId}.
                case "awaiting_callback" -> CommandStatus.AWAITING_CALLBACK;
                default -> CommandStatus.ACTION_REQUIRED;
            };
            results.add(new Outbox.Result(c.id(), status, o.outcome(), o.detail(), o.data(), o.jobId()));
            if (metrics != null) {
                metrics.outcome(c.connector(), o.outcome());
            }
            entries.add(entry(c, o.outcome(), o.httpStatus(), o.detail()));
        }
        outbox.finish(batch.commands(), results, entries, batch.connector());
    }

    /** Each failed attempt of a call is in the sync log of every subject the call was for. */
    @Override
    public void failed(String connectorId, String operation, List<Target> targets, VendorException failure,
            int attempt) {
        Map<Long, Command> commands = inFlight.get();
        String outcome = failure.httpStatus() != null && failure.httpStatus() == 429 ? "rate_limited" : "failed";
        List<SyncEntry> entries = new ArrayList<>();
        for (Target t : targets == null ? List.<Target>of() : targets) {
            Command c = commands.get(t.commandId());
            if (c != null) {
                entries.add(entry(c, outcome, failure.httpStatus(), operation + ": " + failure.getMessage()
                        + " (attempt " + attempt + " of this call)"));
                if (metrics != null) {
                    metrics.outcome(c.connector(), outcome);
                }
            }
        }
        if (!entries.isEmpty()) {
            outbox.logAttempts(entries);
        }
    }

    /** After a call's retries: back to the outbox for later, honouring Retry-After exactly; limits park the connector. */
    public void reschedule(Exchange exchange) {
        Batch batch = batchOf(exchange);
        Throwable failure = failure(exchange);
        if (batch == null || batch.commands().isEmpty()) { // nothing claimed (e.g. the database is shutting down)
            if (batch == null) {
                LOG.warn("Dispatch could not claim: {}", describe(failure));
            }
            return;
        }
        Instant now = clock.instant();
        Instant notBefore;
        String outcome;
        if (failure instanceof VendorException.LimitExhausted limit) {
            notBefore = now.plus(limit.parkFor());
            outbox.park(batch.connector(), notBefore, limit.getMessage());
            outcome = "parked";
        } else if (failure instanceof VendorException.Transient t && t.retryAfter() != null
                && t.retryAfter().compareTo(policy.maxInPlaceWait()) > 0) {
            notBefore = now.plus(t.retryAfter());
            outbox.park(batch.connector(), notBefore, "Retry-After " + t.retryAfter().toSeconds() + " s");
            outcome = "parked";
        } else {
            int attempts = batch.commands().stream().mapToInt(Command::attempts).max().orElse(1);
            notBefore = now.plus(policy.backoff(attempts, ThreadLocalRandom.current().nextDouble()));
            outcome = "retry_scheduled";
        }
        String detail = describe(failure) + "; next attempt not before " + notBefore;
        List<SyncEntry> entries = batch.commands().stream().map(c -> entry(c, outcome,
                failure instanceof VendorException v ? v.httpStatus() : null, detail)).toList();
        outbox.reschedule(batch.commands().stream().map(Command::id).toList(), notBefore, outcome, detail, entries);
        LOG.warn("Connector {}: {} command(s) {} ({})", batch.connector(), batch.commands().size(), outcome,
                describe(failure));
    }

    /** A failure no retry can fix: the commands wait for a person, and the DPO gets one e-mail ({@link DpoAlerts}). */
    public void escalate(Exchange exchange) {
        Batch batch = batchOf(exchange);
        if (batch == null || batch.commands().isEmpty()) {
            return;
        }
        Throwable failure = failure(exchange);
        Integer status = failure instanceof VendorException v ? v.httpStatus() : null;
        String detail = describe(failure);
        outbox.finish(batch.commands(), batch.commands().stream()
                .map(c -> new Outbox.Result(c.id(), CommandStatus.ACTION_REQUIRED, "failed", detail))
                .toList(), batch.commands().stream().map(c -> entry(c, "action_required", status, detail)).toList(),
                batch.connector());
        LOG.error("Connector {}: {} command(s) need action: {}", batch.connector(), batch.commands().size(), detail);
    }

    /** The failure at hand: on the exchange while Camel handles it, in EXCEPTION_CAUGHT once handled. */
    private static Throwable failure(Exchange exchange) {
        Throwable failure = exchange.getException();
        return failure != null ? failure : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    private static Batch batchOf(Exchange exchange) {
        Batch batch = exchange.getProperty(BATCH, Batch.class);
        return batch != null ? batch : exchange.getMessage().getBody() instanceof Batch b ? b : null;
    }

    private static SyncEntry entry(Command c, String outcome, Integer status, String detail) {
        return SyncEntry.of(c.connector(), c.subjectId(), c.requestId(), c.action(), outcome, status, c.attempts(),
                (c.purpose() == null ? "" : c.purpose() + ": ") + (detail == null ? "" : detail));
    }

    private static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        return failure instanceof VendorException ? failure.getMessage() : failure.getClass().getSimpleName();
    }
}
