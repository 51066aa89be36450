package io.lethe.dispatch;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.engine.ConnectorRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once the hub is up: takes back this node's claims from before a crash, makes each connector's call routes
 * ({@link ConnectorRoutes}), then its dispatch route and wake-up timer from the templates of
 * routes/dispatch.camel.yaml, and wakes each once so that what waited during the stop leaves at once.
 */
public final class DispatchStarter implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchStarter.class);

    private final Connectors connectors;
    private final Outbox outbox;
    private final DispatchWakeup wakeup;
    private final long pollMillis;

    public DispatchStarter(Connectors connectors, Outbox outbox, DispatchWakeup wakeup, long pollMillis) {
        this.connectors = connectors;
        this.outbox = outbox;
        this.wakeup = wakeup;
        this.pollMillis = pollMillis;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the work happens once the context is fully started (below)
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        int released = outbox.releaseOwnLeases();
        if (released > 0) {
            LOG.info("Took back {} command(s) claimed before the last stop", released);
        }
        for (Connector connector : connectors.enabled()) {
            ConnectorRoutes.add(context, connector);
            TemplatedRouteBuilder.builder(context, "connector-dispatch")
                    .routeId("dispatch-" + connector.id())
                    .parameter("connectorId", connector.id())
                    .add();
            TemplatedRouteBuilder.builder(context, "connector-dispatch-timer")
                    .routeId("dispatch-timer-" + connector.id())
                    .parameter("connectorId", connector.id())
                    .parameter("pollMillis", String.valueOf(pollMillis))
                    .add();
            wakeup.wake(connector.id());
            LOG.info("Dispatch to {} started (batches of up to {})", connector.id(), connector.descriptor().claimSize());
        }
    }
}
