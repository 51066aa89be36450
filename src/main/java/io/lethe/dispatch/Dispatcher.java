package io.lethe.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.lethe.audit.SyncEntry;
import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.VendorAdapter;
import io.lethe.connectors.VendorAdapter.Target;
import io.lethe.connectors.VendorAdapter.TargetOutcome;
import io.lethe.connectors.VendorException;
import io.lethe.register.ConsentRegister;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the {@code connector-dispatch} route template (routes/dispatch.camel.yaml): claim a batch, push it,
 * record each subject's outcome; and the error handling's hooks: honour Retry-After, reschedule, park, escalate.
 * Logs name connectors, counts and command ids only.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Outbox outbox;
    private final Connectors connectors;
    private final ConsentRegister register;
    private final DispatchPolicy policy;
    private final Clock clock;
    private java.util.function.Function<Command, Map<String, String>> changes = c -> Map.of();
    private DispatchMetrics metrics;

    private VendorQuotas quotas;
    private VendorQuotas.Declared declaredQuotas = (connector, action) -> java.util.Optional.empty();

    /** Vendor quotas (ids per day or month) are counted before each call; what does not fit waits (VendorQuotas). */
    public void setQuotas(VendorQuotas quotas, VendorQuotas.Declared declared) {
        this.quotas = quotas;
        this.declaredQuotas = declared;
    }

    public void setMetrics(DispatchMetrics metrics) {
        this.metrics = metrics;
    }

    /** Where a rectify command's corrected fields come from (the request it belongs to). */
    public void setChanges(java.util.function.Function<Command, Map<String, String>> changes) {
        this.changes = changes;
    }

    public Dispatcher(Outbox outbox, Connectors connectors, ConsentRegister register, DispatchPolicy policy,
            Clock clock) {
        this.outbox = outbox;
        this.connectors = connectors;
        this.register = register;
        this.policy = policy;
        this.clock = clock;
    }

    /** Route step: the next due batch of the connector, or null. */
    public Batch claim(String connectorId) {
        Connector connector = connectors.enabled(connectorId).orElseThrow();
        List<Command> commands = outbox.claim(connectorId, connector.descriptor().operation("optOut").batchMax(),
                policy.window(), policy.lease());
        return commands.isEmpty() ? null : new Batch(connectorId, commands);
    }

    /** Route step: one vendor call for the batch; the body becomes the per-command outcomes. */
    public void push(Exchange exchange) {
        Batch batch = exchange.getMessage().getBody(Batch.class);
        exchange.setProperty("lethe.batch", batch);
        Connector connector = connectors.enabled(batch.connector()).orElseThrow();
        Map<String, List<String>> emails = register.emails(batch.commands().stream().map(Command::subjectId).toList());
        Map<String, List<Target>> byAction = new HashMap<>();
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Command c : batch.commands()) {
            List<String> addresses = emails.getOrDefault(c.subjectId(), List.of());
            if (addresses.isEmpty()) {
                outcomes.add(new TargetOutcome(c.id(), "skipped", null, "no e-mail identity on record"));
            } else {
                byAction.computeIfAbsent(c.action(), k -> new ArrayList<>()).add(new Target(c.id(), c.subjectId(),
                        c.purpose(), addresses, c.action().equals("rectify") ? changes.apply(c) : Map.of(), c.requestId()));
            }
        }
        VendorAdapter adapter = connector.adapter();
        Batch admitted = withinQuota(batch, byAction);
        if (admitted != batch) { // the deferred commands are rescheduled: a failure of this call is not theirs
            exchange.setProperty("lethe.batch", admitted);
        }
        for (Map.Entry<String, List<Target>> group : byAction.entrySet()) {
            outcomes.addAll(switch (group.getKey()) {
                case "opt_in" -> adapter.optIn(connector, group.getValue());
                case "erase" -> adapter.erase(connector, group.getValue());
                case "export" -> adapter.export(connector, group.getValue());
                case "rectify" -> adapter.rectify(connector, group.getValue());
                default -> adapter.optOut(connector, group.getValue());
            });
        }
        exchange.getMessage().setBody(outcomes);
    }

    /**
     * Commands beyond the vendor's quota for this period are taken out of the batch and wait for the next period
     * (outcome {@code parked}, the connector parked until then, the DPO told once by {@link VendorQuotas}).
     */
    private Batch withinQuota(Batch batch, Map<String, List<Target>> byAction) {
        if (quotas == null) {
            return batch;
        }
        java.util.Set<Long> allDeferred = new java.util.HashSet<>();
        Map<Long, Command> byId = new HashMap<>();
        batch.commands().forEach(c -> byId.put(c.id(), c));
        for (Map.Entry<String, List<Target>> group : byAction.entrySet()) {
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
        byAction.values().removeIf(List::isEmpty);
        return allDeferred.isEmpty() ? batch : new Batch(batch.connector(),
                batch.commands().stream().filter(c -> !allDeferred.contains(c.id())).toList());
    }

    /** Route step: finish every command of the batch with its outcome and sync-log entry, in one transaction. */
    public void record(Exchange exchange) {
        Batch batch = exchange.getProperty("lethe.batch", Batch.class);
        @SuppressWarnings("unchecked")
        List<TargetOutcome> outcomes = exchange.getMessage().getBody(List.class);
        Map<Long, Command> byId = new HashMap<>();
        batch.commands().forEach(c -> byId.put(c.id(), c));
        List<Outbox.Result> results = new ArrayList<>();
        List<SyncEntry> entries = new ArrayList<>();
        for (TargetOutcome o : outcomes) {
            Command c = byId.get(o.commandId());
            String status = switch (o.outcome()) {
                case "delivered", "not_found", "verified", "completed", "submitted" -> "done";
                case "skipped" -> "skipped";
                default -> "action_required";
            };
            results.add(new Outbox.Result(c.id(), status, o.outcome(), o.detail(), o.data(), o.jobId()));
            if (metrics != null) {
                metrics.outcome(c.connector(), o.outcome());
            }
            entries.add(entry(c, o.outcome(), o.httpStatus(), o.detail()));
        }
        outbox.finish(batch.commands(), results, entries, batch.connector());
        exchange.removeProperty("lethe.batch"); // finished: a later failure in this exchange is not this batch's
    }

    /**
     * onExceptionOccurred hook: logs the failed attempt for each subject and, when the vendor said how long to wait,
     * makes Camel's redelivery wait exactly that long (header {@code CamelRedeliveryDelay}); otherwise the policy's
     * exponential backoff with jitter applies.
     */
    public void onAttemptFailed(Exchange exchange) {
        Batch batch = batchOf(exchange);
        Throwable failure = failure(exchange);
        Integer status = failure instanceof VendorException v ? v.httpStatus() : null;
        int attempt = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) + 1;
        List<SyncEntry> entries = new ArrayList<>();
        for (Command c : batch.commands()) {
            String outcome = status != null && status == 429 ? "rate_limited" : "failed";
            entries.add(entry(c, outcome, status, describe(failure) + " (attempt " + attempt + " of this claim)"));
            if (metrics != null) {
                metrics.outcome(c.connector(), outcome);
            }
        }
        outbox.logAttempts(entries);
        Duration retryAfter = failure instanceof VendorException.Transient t ? t.retryAfter() : null;
        if (retryAfter != null) {
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, retryAfter.toMillis());
        } else {
            exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }

    /** retryWhile predicate: retry in place only for short waits, and only a few times; the rest is rescheduled. */
    public boolean retryInPlace(Exchange exchange) {
        Throwable failure = failure(exchange);
        if (!(failure instanceof VendorException.Transient t)) {
            return false;
        }
        int redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class);
        boolean shortWait = t.retryAfter() == null || t.retryAfter().compareTo(policy.maxInPlaceWait()) <= 0;
        return shortWait && redeliveries < policy.inPlaceRetries();
    }

    /** After in-place retries: back to the outbox for later, honouring Retry-After exactly; limits park the connector. */
    public void reschedule(Exchange exchange) {
        Batch batch = batchOf(exchange);
        Throwable failure = failure(exchange);
        if (batch == null) { // failed before anything was claimed (e.g. the database is shutting down)
            LOG.warn("Dispatch could not claim: {}", describe(failure));
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
        Throwable failure = failure(exchange);
        Integer status = failure instanceof VendorException v ? v.httpStatus() : null;
        String detail = describe(failure);
        outbox.finish(batch.commands(), batch.commands().stream()
                .map(c -> new Outbox.Result(c.id(), "action_required", "failed", detail))
                .toList(), batch.commands().stream().map(c -> entry(c, "action_required", status, detail)).toList(),
                batch.connector());
        LOG.error("Connector {}: {} command(s) need action: {}", batch.connector(), batch.commands().size(), detail);
    }

    /** The failure at hand: on the exchange while Camel retries, in EXCEPTION_CAUGHT once handled. */
    private static Throwable failure(Exchange exchange) {
        Throwable failure = exchange.getException();
        return failure != null ? failure : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    private static Batch batchOf(Exchange exchange) {
        Batch batch = exchange.getProperty("lethe.batch", Batch.class);
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
