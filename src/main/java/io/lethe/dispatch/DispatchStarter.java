package io.lethe.dispatch;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once the hub is up: takes back this node's claims from before a crash, then makes one dispatch route per enabled
 * connector from the {@code connector-dispatch} template, with the connector's batch size and rate limit.
 */
public final class DispatchStarter implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchStarter.class);

    /** A vendor without a published request rate still gets a bound (the throttle keeps one permit per request). */
    static final int UNLIMITED_PER_SECOND = 100;

    private final Connectors connectors;
    private final Outbox outbox;
    private final long pollMillis;

    public DispatchStarter(Connectors connectors, Outbox outbox, long pollMillis) {
        this.connectors = connectors;
        this.outbox = outbox;
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
            var optOut = connector.descriptor().operation("optOut");
            var rate = optOut.rateLimit();
            TemplatedRouteBuilder.builder(context, "connector-dispatch")
                    .routeId("dispatch-" + connector.id())
                    .parameter("connectorId", connector.id())
                    .parameter("pollMillis", String.valueOf(pollMillis))
                    .parameter("rateRequests", String.valueOf(rate == null ? UNLIMITED_PER_SECOND : rate.requests()))
                    .parameter("ratePeriodMillis", String.valueOf(rate == null ? 1000 : rate.periodMillis()))
                    .add();
            LOG.info("Dispatch to {} started (batches of up to {})", connector.id(), optOut.batchMax());
        }
    }
}
