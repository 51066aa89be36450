package io.lethe.connectors.engine;

import java.util.LinkedHashSet;
import java.util.Set;

import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.ConnectorDescriptor.RateLimit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Makes a connector's call routes from the templates of routes/connectors.camel.yaml: one route per declared
 * operation that calls the vendor, and one rate-limit route per bucket its operations take.
 */
public final class ConnectorRoutes {

    /** A vendor that publishes no request rate still gets a bound. */
    static final RateLimit UNPUBLISHED = new RateLimit(100, 1000);

    /**
     * Camel's Throttle hands a permit back one period after it let a call through, but the vendor counts arrivals: a
     * call held up after the Throttle (signing, a busy CPU, the network) lands in the same window as one let through
     * a period later, and a strict vendor answers 429 (the erasure benchmark: 16 % of Klaviyo's and 24 % of GA4's
     * calls were 429s, each retried after a second). Each window is run this much longer than declared: 5 %, at
     * least 50 ms.
     */
    static long paced(long periodMillis) {
        return periodMillis + Math.max(50, periodMillis / 20);
    }

    private ConnectorRoutes() {
    }

    public static void add(CamelContext context, Connector connector) throws Exception {
        if (connector.transport().equals("mail")) {
            return; // mail is sent by the mail edge
        }
        Set<String> buckets = new LinkedHashSet<>();
        for (Operation op : connector.descriptor().operations().values()) {
            if (op.request() == null) {
                continue;
            }
            buckets.add(op.rateLimit());
            TemplatedRouteBuilder.builder(context, "connector-operation")
                    .routeId("call-" + connector.id() + "-" + op.name())
                    .parameter("connectorId", connector.id())
                    .parameter("operation", op.name())
                    .parameter("bucket", op.rateLimit())
                    .add();
        }
        for (String bucket : buckets) {
            RateLimit limit = connector.descriptor().client().rateLimits().getOrDefault(bucket, UNPUBLISHED);
            TemplatedRouteBuilder.builder(context, "connector-rate-limit")
                    .routeId("limit-" + connector.id() + "-" + bucket)
                    .parameter("connectorId", connector.id())
                    .parameter("bucket", bucket)
                    .parameter("requests", String.valueOf(limit.requests()))
                    .parameter("periodMillis", String.valueOf(paced(limit.periodMillis())))
                    .parameter("burstRequests", String.valueOf(limit.burst() == null ? limit.requests()
                            : limit.burst().requests()))
                    .parameter("burstPeriodMillis", String.valueOf(paced(limit.burst() == null ? limit.periodMillis()
                            : limit.burst().periodMillis())))
                    .add();
        }
    }
}
