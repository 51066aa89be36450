package io.lethe.connectors.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.jayway.jsonpath.DocumentContext;
import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.Target;
import io.lethe.connectors.TargetOutcome;
import io.lethe.connectors.VendorContact;
import io.lethe.connectors.VendorText;

/**
 * Runs what connector files declare: a dispatch operation for a batch of targets ({@link #run}), a reconciliation
 * read ({@link #readState}) and an asynchronous job's status ({@link #pollJob}). Every vendor call goes through the
 * connector's (connector, operation) route; the engine only decides which calls to make and what their answers mean.
 * It records which operations ran ({@link #executed()}), so tests prove every declared operation is exercised.
 */
public final class ConnectorEngine implements StateReader {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final VendorCalls calls;
    private final MailTransport mail;
    private final Map<String, Hook> hooks;
    private final String dpoEmail;
    private final Set<String> executed = ConcurrentHashMap.newKeySet();
    private volatile LegacyTransport legacy;

    /** Java a connector file names with {@code hook:}: builds one request body that data cannot express. */
    public interface Hook {
        Object body(Connector connector, Operation op, Map<String, Object> scope);
    }

    /** A transport whose calls are still made by a Java adapter (see the note in connectors/salesforce.yaml). */
    public interface LegacyTransport {
        List<TargetOutcome> run(Connector connector, String operation, List<Target> targets);

        void readState(Connector connector, Instant since, Consumer<List<VendorContact>> page);
    }

    public ConnectorEngine(VendorCalls calls, MailTransport mail, Map<String, Hook> hooks, String dpoEmail) {
        this.calls = calls;
        this.mail = mail;
        this.hooks = hooks;
        this.dpoEmail = dpoEmail == null ? "" : dpoEmail;
    }

    public void setLegacyTransport(LegacyTransport legacy) {
        this.legacy = legacy;
    }

    /** "connector.operation" of every operation run since start. */
    public Set<String> executed() {
        return Set.copyOf(executed);
    }

    void ran(Connector connector, String operation) {
        executed.add(connector.id() + "." + operation);
    }

    /**
     * Runs a dispatch operation ({@code optOut}, {@code erase}, ...) for the targets: one outcome per target. A
     * connector that does not declare the operation answers {@code skipped}; a target without the identity the
     * connector finds people by is {@code skipped} with the reason. A call that fails after its in-place retries ends
     * the run with {@link OperationFailed}, carrying the outcomes of the targets already finished.
     */
    public List<TargetOutcome> run(Connector connector, String operation, List<Target> targets) {
        ConnectorDescriptor d = connector.descriptor();
        if (!d.declares(operation)) {
            return targets.stream().map(t -> new TargetOutcome(t.commandId(), "skipped", null,
                    d.title() + " has no API for " + operation)).toList();
        }
        List<TargetOutcome> skipped = new ArrayList<>();
        List<Target> work = new ArrayList<>();
        for (Target t : targets) {
            if (t.identities(d.identity()).isEmpty()) {
                skipped.add(new TargetOutcome(t.commandId(), "skipped", null, switch (d.identity()) {
                    case "external_id" -> "no external id on record (" + d.title() + " finds people by it)";
                    case "any" -> "no e-mail or external id on record";
                    default -> "no e-mail identity on record";
                }));
            } else {
                work.add(t);
            }
        }
        if (work.isEmpty()) {
            return skipped;
        }
        ran(connector, operation);
        List<TargetOutcome> outcomes = new ArrayList<>(skipped);
        Operation op = d.operation(operation);
        switch (d.transport()) {
            case "mail" -> outcomes.addAll(mail.send(connector, actionOf(operation), op.mail(), work));
            case "salesforce" -> {
                if (legacy != null) {
                    outcomes.addAll(legacy.run(connector, operation, work));
                } else {
                    outcomes.addAll(runCalls(connector, op, work, skipped));
                }
            }
            default -> outcomes.addAll(runCalls(connector, op, work, skipped));
        }
        return outcomes;
    }

    private List<TargetOutcome> runCalls(Connector connector, Operation op, List<Target> work,
            List<TargetOutcome> skipped) {
        try {
            return new OperationRun(this, calls, connector, op, work).run();
        } catch (OperationFailed partial) {
            List<TargetOutcome> done = new ArrayList<>(skipped);
            done.addAll(partial.done());
            throw new OperationFailed(done, partial.cause());
        }
    }

    /** Reads the vendor's contacts page by page (each page to {@code page} before the next is fetched). */
    @Override
    public void readState(Connector connector, Instant since, Consumer<List<VendorContact>> page) {
        if (connector.transport().equals("salesforce") && legacy != null) { // until its transport runs here
            ran(connector, "readState");
            legacy.readState(connector, since, page);
            return;
        }
        if (!connector.descriptor().declares("readState")) {
            throw new UnsupportedOperationException(connector.id() + " cannot be read through an API");
        }
        ran(connector, "readState");
        Operation op = connector.descriptor().operation("readState");
        Map<String, Object> scope = context(null);
        scope.put("since", since);
        for (Object each : OperationRun.eachValues(connector, op)) {
            scope.put("each", each);
            Pages.read(this, calls, connector, op, scope, since != null, List.of(), items -> {
                List<VendorContact> contacts = new ArrayList<>();
                for (Object item : items) {
                    Object identity = JsonPaths.at(item, op.response().identity());
                    if (identity != null && !String.valueOf(identity).isBlank()) {
                        contacts.add(new VendorContact(String.valueOf(identity), state(op, item)));
                    }
                }
                page.accept(contacts);
            });
        }
    }

    private static VendorContact.State state(Operation op, Object item) {
        if (op.response().state().constant() != null) {
            return VendorContact.State.valueOf(op.response().state().constant().toUpperCase(java.util.Locale.ROOT));
        }
        String value = String.valueOf(JsonPaths.at(item, op.response().state().path()));
        if (op.response().state().unsubscribed().contains(value)) {
            return VendorContact.State.UNSUBSCRIBED;
        }
        return op.response().state().subscribed().contains(value) ? VendorContact.State.SUBSCRIBED
                : VendorContact.State.OTHER;
    }

    /** Asks the vendor how its job is doing, with the connector's status operation. */
    public JobStatus pollJob(Connector connector, String statusOperation, String jobId) {
        Operation op = connector.descriptor().operation(statusOperation);
        ran(connector, statusOperation);
        Map<String, Object> scope = context(null);
        scope.put("job", Map.of("id", jobId));
        VendorCalls.Result r = calls.call(connector, op, CallBuilder.build(connector, op, scope), List.of());
        if (r.notFound()) {
            return new JobStatus(JobStatus.State.FAILED, "job not found at the vendor");
        }
        DocumentContext doc = JsonPaths.parse(r.answer().body());
        List<String> states = JsonPaths.texts(doc, op.response().status());
        // vendors' own words ("done", "FINISHED") reach the sync log only as upper-case codes
        if (!states.isEmpty() && states.stream().allMatch(op.response().done()::contains)) {
            return new JobStatus(JobStatus.State.DONE, code(states.get(0)), data(doc, op.response().data()));
        }
        if (states.stream().anyMatch(op.response().failedStates()::contains)) {
            return new JobStatus(JobStatus.State.FAILED, code(
                    states.stream().filter(op.response().failedStates()::contains).findFirst().orElse("")));
        }
        return new JobStatus(JobStatus.State.RUNNING, states.isEmpty() ? "" : code(states.get(0)));
    }

    /**
     * A queued deletion read back later ({@code verifyLater}): the commands (of these targets) whose person the
     * read-back operation still finds. Whole-call failures are thrown as {@link io.lethe.connectors.VendorException}.
     */
    public Set<Long> stillPresent(Connector connector, String readBack, List<Target> targets) {
        List<Target> work = targets.stream().filter(t -> !t.identities(connector.descriptor().identity()).isEmpty())
                .toList();
        if (work.isEmpty()) {
            return Set.of();
        }
        Operation op = connector.descriptor().operation("erase");
        return new OperationRun(this, calls, connector, op, work).stillPresent(readBack);
    }

    /** What a finished job yields for its commands (an export job's file link), as JSON; null when not declared. */
    private static String data(DocumentContext doc, String path) {
        if (path == null) {
            return null;
        }
        List<Object> values = JsonPaths.all(doc, path);
        try {
            return values.isEmpty() ? null : JSON.writeValueAsString(values.size() == 1 ? values.get(0) : values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String code(String vendorWord) {
        return VendorText.code(vendorWord.toUpperCase(java.util.Locale.ROOT));
    }

    Hook hook(String name) {
        Hook h = hooks.get(name);
        if (h == null) {
            throw new IllegalStateException("no hook " + name);
        }
        return h;
    }

    /** What every template may use besides the call's own values. */
    Map<String, Object> context(Target first) {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("dpoEmail", dpoEmail);
        scope.put("now", Instant.now());
        if (first != null) {
            scope.put("regulation", first.regulation() == null ? "GDPR" : first.regulation().toUpperCase(java.util.Locale.ROOT));
            scope.put("requestId", first.requestId());
            scope.put("commandId", first.commandId());
        }
        return scope;
    }

    static String actionOf(String operation) {
        return ConnectorDescriptor.ACTION_OPERATIONS.entrySet().stream().filter(e -> e.getValue().equals(operation))
                .map(Map.Entry::getKey).findFirst().orElse(operation);
    }
}
