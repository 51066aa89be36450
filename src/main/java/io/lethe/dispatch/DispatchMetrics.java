package io.lethe.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.support.CamelContextHelper;

/**
 * Lethe's own metrics beside Camel's, at /observe/metrics: {@code lethe_outbox_unfinished{connector}} (commands
 * not finished yet) and {@code lethe_vendor_outcomes_total{connector,outcome}}. Tags are connector ids and outcome
 * names only: no personal data, no subject ids.
 */
public final class DispatchMetrics implements StartupListener {

    private static final Duration BACKLOG_CACHE = Duration.ofSeconds(5);

    private final Outbox outbox;
    private final Connectors connectors;
    private final Clock clock;
    private volatile MeterRegistry registry;
    private volatile Map<String, Long> backlog = Map.of();
    private volatile Instant backlogAt = Instant.EPOCH;

    public DispatchMetrics(Outbox outbox, Connectors connectors, Clock clock) {
        this.outbox = outbox;
        this.connectors = connectors;
        this.clock = clock;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the work happens once the context is fully started (below)
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        registry = CamelContextHelper.findSingleByType(context, MeterRegistry.class);
        if (registry == null) {
            return; // metrics disabled (camel.metrics.enabled=false)
        }
        for (Connector connector : connectors.enabled()) {
            Gauge.builder("lethe.outbox.unfinished", () -> backlog().getOrDefault(connector.id(), 0L))
                    .description("Commands of the connector not finished yet (pending or in flight)")
                    .tag("connector", connector.id()).register(registry);
        }
    }

    /** Counts one vendor outcome of a command. */
    public void outcome(String connector, String outcome) {
        MeterRegistry r = registry;
        if (r != null) {
            Counter.builder("lethe.vendor.outcomes").description("Per-command outcomes of vendor calls")
                    .tag("connector", connector).tag("outcome", outcome).register(r).increment();
        }
    }

    /** The backlog, read at most every few seconds however often the metrics are scraped. */
    private Map<String, Long> backlog() {
        Instant now = clock.instant();
        if (now.isAfter(backlogAt.plus(BACKLOG_CACHE))) {
            backlog = outbox.unfinished();
            backlogAt = now;
        }
        return backlog;
    }
}
