package io.lethe.review;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.ConnectorDescriptor.RateLimit;
import io.lethe.connectors.Connectors;
import io.lethe.reconcile.ReconcileRuns;

/**
 * Each connector's declaration ({@code connectors/<id>.yaml}) in plain words for a compliance reader: what the vendor
 * holds, what each purpose's withdrawal does there, the operations with their batch and rate limits, the identity
 * used, where calls go; and its recent reconciliation runs from {@link ReconcileRuns}.
 */
public final class ConnectorDescriptions {

    static final int RUNS_SHOWN = 10;

    private final Connectors connectors;
    private final ReconcileRuns runs;

    public ConnectorDescriptions(Connectors connectors, ReconcileRuns runs) {
        this.connectors = connectors;
        this.runs = runs;
    }

    public record Description(String id, String title, String category, boolean enabled, String identity,
            List<String> holds, List<PurposeLine> purposes, String optIns, List<OperationLine> operations,
            List<String> rateLimits, String destination, boolean reconcilable) {
    }

    /** A purpose held at the vendor and what its withdrawal runs there. */
    public record PurposeLine(String purpose, String meaning) {
    }

    /** One operation: what it is for, the call, and its limits. */
    public record OperationLine(String name, String purpose, String call, String limits) {
    }

    /** A reconciliation run as the API's {@code GET /reconcile-runs/{id}} reports it. */
    public record Run(String runId, boolean dryRun, String status, long scanned, Map<String, Long> drift,
            Instant startedAt, Instant finishedAt, String error, List<ReconcileRuns.Action> actions) {

        public long driftTotal() {
            return drift.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public List<Description> all() {
        return connectors.known().stream().map(this::describe).toList();
    }

    public java.util.Optional<Description> one(String id) {
        return connectors.known().stream().filter(d -> d.id().equals(id)).findFirst().map(this::describe);
    }

    /** The connector's latest runs, newest first. */
    public List<Run> runs(String connector) {
        return runs.recentRunIds(connector, RUNS_SHOWN).stream().map(runs::report)
                .flatMap(java.util.Optional::stream).map(ConnectorDescriptions::run).toList();
    }

    Description describe(ConnectorDescriptor d) {
        List<PurposeLine> purposes = new ArrayList<>();
        d.purposes().forEach((purpose, operation) -> purposes.add(new PurposeLine(purpose, withdrawal(operation))));
        List<OperationLine> operations = new ArrayList<>();
        d.operations().values().forEach(op -> operations.add(operation(d, op)));
        List<String> limits = new ArrayList<>();
        d.client().rateLimits().forEach((bucket, limit) -> limits.add(bucket + ": " + rate(limit)));
        return new Description(d.id(), d.title(), category(d.category()), connectors.isEnabled(d.id()),
                identity(d.identity()), d.dataCategories(), purposes,
                d.pushOptIns() ? "opt-ins (a new grant) are pushed to the vendor"
                        : "opt-ins are never pushed: the vendor keeps its own opt-in process",
                operations, limits, Destinations.of(d, connectors), d.declares("readState"));
    }

    static String category(String category) {
        return switch (category) {
            case "crm" -> "CRM";
            case "marketing" -> "marketing tool";
            case "analytics" -> "analytics tool";
            case "in_house" -> "in-house system";
            case "manual" -> "vendor without an API (by e-mail)";
            default -> category;
        };
    }

    static String identity(String identity) {
        return switch (identity) {
            case "email" -> "finds a person by e-mail address";
            case "external_id" -> "finds a person by the subject's external id";
            case "any" -> "receives every identity on record";
            default -> identity;
        };
    }

    static String withdrawal(String operation) {
        return switch (operation) {
            case "skip" -> "held, but the vendor has no server-side opt-out: a withdrawal is skipped with the reason"
                    + " (or erases, when the connector's eraseOnWithdrawal is true)";
            case "optOut" -> "a withdrawal opts the person out (optOut)";
            case "erase" -> "a withdrawal erases the person (erase)";
            default -> "a withdrawal runs " + operation;
        };
    }

    private static OperationLine operation(ConnectorDescriptor d, Operation op) {
        String action = ConnectorDescriptor.ACTION_OPERATIONS.entrySet().stream()
                .filter(e -> e.getValue().equals(op.name())).map(Map.Entry::getKey).findFirst().orElse(null);
        String purpose = action != null ? "runs the " + action.replace('_', '-') + " command"
                : op.name().equals("readState") ? "reads the vendor's state for reconciliation" : usedBy(d, op.name());
        String call = op.request() != null ? op.request().method() + " " + op.request().path()
                : op.mail() != null ? "e-mail (template " + op.mail() + ")"
                : op.hook() != null ? "built by hook " + op.hook() : "look-ups only";
        List<String> limits = new ArrayList<>();
        limits.add("up to " + op.batchMax() + (op.batchMax() == 1 ? " identity" : " identities") + " per call");
        if (op.itemsMax() > 0) {
            limits.add("at most " + op.itemsMax() + " records per call");
        }
        if (op.maxUriLength() > 0) {
            limits.add("URI kept under " + op.maxUriLength() + " characters");
        }
        if (op.maxBodyBytes() > 0) {
            limits.add("body kept under " + op.maxBodyBytes() + " bytes");
        }
        if (op.request() != null) {
            RateLimit bucket = d.client().rateLimits().get(op.rateLimit());
            limits.add("rate limit " + op.rateLimit() + (bucket == null ? "" : " (" + rate(bucket) + ")"));
        }
        if (op.job() != null) {
            limits.add("asynchronous: job polled with " + op.job());
        }
        if (!op.readBack().isEmpty()) {
            limits.add("read back with " + String.join(", ", op.readBack()));
        }
        if (op.quota() != null) {
            limits.add("quota " + op.quota().ids() + " identities per " + op.quota().per());
        }
        return new OperationLine(op.name(), purpose, call, String.join("; ", limits));
    }

    private static String usedBy(ConnectorDescriptor d, String name) {
        List<String> users = new ArrayList<>();
        for (Operation other : d.operations().values()) {
            if (other.lookup().contains(name)) {
                users.add("look-up of " + other.name());
            }
            if (other.readBack().contains(name)) {
                users.add("read-back of " + other.name());
            }
            if (name.equals(other.job())) {
                users.add("job status of " + other.name());
            }
            if (name.equals(other.then())) {
                users.add("second step of " + other.name());
            }
        }
        return users.isEmpty() ? "helper" : String.join(", ", users);
    }

    static String rate(RateLimit limit) {
        String text = limit.requests() + " requests per " + period(limit.periodMillis());
        return limit.burst() == null ? text : text + ", at most " + rate(limit.burst()) + " in a burst";
    }

    private static String period(long millis) {
        if (millis % 86_400_000 == 0) {
            return millis == 86_400_000 ? "day" : millis / 86_400_000 + " days";
        }
        if (millis % 3_600_000 == 0) {
            return millis == 3_600_000 ? "hour" : millis / 3_600_000 + " hours";
        }
        if (millis % 60_000 == 0) {
            return millis == 60_000 ? "minute" : millis / 60_000 + " minutes";
        }
        if (millis % 1000 == 0) {
            return millis == 1000 ? "second" : millis / 1000 + " s";
        }
        return millis + " ms";
    }

    @SuppressWarnings("unchecked")
    private static Run run(Map<String, Object> r) {
        Map<String, Long> drift = new LinkedHashMap<>();
        ((Map<String, Object>) r.get("drift")).forEach((k, v) -> drift.put(k, ((Number) v).longValue()));
        List<ReconcileRuns.Action> actions = ((List<Map<String, Object>>) r.get("actions")).stream()
                .map(a -> new ReconcileRuns.Action((String) a.get("rule"), (String) a.get("subjectId"),
                        (String) a.get("action"), (String) a.get("status"))).toList();
        String finished = (String) r.get("finishedAt");
        return new Run((String) r.get("runId"), (Boolean) r.get("dryRun"), (String) r.get("status"),
                ((Number) r.get("scanned")).longValue(), drift, Instant.parse((String) r.get("startedAt")),
                finished == null ? null : Instant.parse(finished), (String) r.get("error"), actions);
    }
}
