package io.lethe.reconcile;

import java.util.function.Function;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * At start-up: runs left running by a stop of the hub are marked failed (a new run can be started), and each enabled
 * connector with {@code lethe.reconcile.<id>.cron} gets a scheduled, incremental run.
 */
public final class ReconcileStarter implements StartupListener {

    private final ReconcileRuns runs;
    private final Connectors connectors;
    private final Function<String, String> setting;

    public ReconcileStarter(ReconcileRuns runs, Connectors connectors, Function<String, String> setting) {
        this.runs = runs;
        this.connectors = connectors;
        this.setting = setting;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the work happens once the context is fully started (below)
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        runs.interruptRunning();
        for (Connector connector : connectors.enabled()) {
            String cron = setting.apply("lethe.reconcile." + connector.id() + ".cron");
            if (cron != null && !cron.isBlank()) {
                TemplatedRouteBuilder.builder(context, "reconcile-schedule").routeId("reconcile-schedule-" + connector.id())
                        .parameter("connectorId", connector.id()).parameter("cron", cron.strip()).add();
            }
        }
    }
}
