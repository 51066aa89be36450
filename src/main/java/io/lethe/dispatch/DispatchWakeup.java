package io.lethe.dispatch;

import java.util.Collection;

import org.apache.camel.CamelContext;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.DefaultExchange;

/**
 * Wakes a connector's dispatch route through its one-slot seda queue once commands for it are committed. A signal
 * that finds the slot taken is dropped: the route claims everything due when it takes the waiting one, which is what
 * makes a burst gather into full batches while a lone command leaves at once.
 */
public final class DispatchWakeup {

    /** The wake-up queue of a connector, as the connector-dispatch template consumes it. */
    public static String uri(String connectorId) {
        return "seda:dispatch-" + connectorId + "?concurrentConsumers=1&size=1";
    }

    private final CamelContext context;

    public DispatchWakeup(CamelContext context) {
        this.context = context;
    }

    public void wake(String connectorId) {
        SedaEndpoint queue = context.getEndpoint(uri(connectorId), SedaEndpoint.class);
        queue.getQueue().offer(new DefaultExchange(context)); // false when full: a wake-up is already waiting
    }

    public void wakeAll(Collection<String> connectorIds) {
        connectorIds.forEach(this::wake);
    }
}
