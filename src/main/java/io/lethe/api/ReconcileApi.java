package io.lethe.api;

import java.util.Map;
import java.util.Set;

import io.lethe.connectors.Connectors;
import io.lethe.reconcile.ReconcileRuns;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** {@code POST /api/v1/connectors/{id}/reconcile} and {@code GET /api/v1/reconcile-runs/{runId}}. */
public final class ReconcileApi {

    private final Connectors connectors;
    private final ReconcileRuns runs;
    private final ProducerTemplate template;
    private final Responses responses;

    public ReconcileApi(Connectors connectors, ReconcileRuns runs, ProducerTemplate template, Responses responses) {
        this.connectors = connectors;
        this.runs = runs;
        this.template = template;
        this.responses = responses;
    }

    public void start(Exchange exchange) {
        QueryParams q = new QueryParams(exchange, Set.of("dryRun"));
        String dryRun = q.oneOf("dryRun", java.util.List.of("true", "false"), "false");
        q.throwIfInvalid();
        String runId = startRun(exchange.getMessage().getHeader("connectorId", String.class),
                Boolean.parseBoolean(dryRun));
        responses.json(exchange, 202, Map.of("runId", runId));
    }

    /**
     * Starts a reconciliation of a connector (the API's and the console's action): its run id, or an
     * {@link ApiProblem} 404 for an unknown connector and 409 for one not enabled, without an API, or already running.
     */
    public String startRun(String id, boolean dryRun) {
        if (id == null || connectors.known().stream().noneMatch(d -> d.id().equals(id))) {
            throw ApiProblem.notFound("There is no connector with that id.");
        }
        if (!connectors.isEnabled(id)) {
            throw new ApiProblem(409, "Conflict", "Connector " + id + " is not enabled (LETHE_CONNECTORS).");
        }
        io.lethe.connectors.Connector connector = connectors.enabled(id).orElseThrow();
        if (connector.transport().equals("mail") || !connector.descriptor().declares("readState")) {
            // Braze, the analytics tools and the manual e-mail connector cannot list subscription state.
            throw new ApiProblem(409, "Conflict", "Connector " + id + " has no API to read its contacts from.");
        }
        String runId = runs.start(id, dryRun).orElseThrow(() -> new ApiProblem(409, "Conflict",
                "A reconciliation of " + id + " is already running; only one runs per connector at a time."));
        schedule(template, runId, id, dryRun, false);
        return runId;
    }

    public void get(Exchange exchange) {
        String runId = exchange.getMessage().getHeader("runId", String.class);
        Map<String, Object> report = runId == null ? null : runs.report(runId).orElse(null);
        if (report == null) {
            throw ApiProblem.notFound("No reconciliation run has that id.");
        }
        responses.json(exchange, 200, report);
    }

    /** Hands a run to the reconcile route (asynchronous: the API answers at once). */
    static void schedule(ProducerTemplate template, String runId, String connector, boolean dryRun, boolean incremental) {
        template.sendBody("seda:reconcile", runId + "|" + connector + "|" + dryRun + "|" + incremental);
    }

    /** A scheduled (cron) run: incremental, skipped when one is already running. */
    public void scheduled(String connector) {
        runs.start(connector, false).ifPresent(runId -> schedule(template, runId, connector, false, true));
    }
}
