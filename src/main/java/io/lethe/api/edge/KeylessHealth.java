package io.lethe.api.edge;

import java.util.Collection;

import io.lethe.api.Principal;
import io.lethe.api.Role;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * Health for callers without an admin key (load balancers, orchestrators, anyone): {@code {"status":"UP"}} or
 * {@code {"status":"DOWN"}} with 503, whatever query parameters ask for. Camel's endpoint would otherwise hand out
 * every check, route ids, connectors and, when the register is down, a stack trace naming host and driver.
 * An admin key gets Camel's endpoint itself, with its {@code exposureLevel}, {@code data} and {@code stackTrace}.
 */
final class KeylessHealth {

    static final String PATH = "/observe/health";

    private final CamelContext camel;

    KeylessHealth(CamelContext camel) {
        this.camel = camel;
    }

    static boolean handles(String path, String method) {
        return (method.equals("GET") || method.equals("HEAD"))
                && (path.equals(PATH) || path.equals(PATH + "/live") || path.equals(PATH + "/ready"));
    }

    static boolean mayReadDetail(Principal caller) {
        return caller.role() == Role.ADMIN;
    }

    void answer(RoutingContext ctx, String path) {
        // Checks may block (the register check opens a connection): off the event loop.
        ctx.vertx().executeBlocking(() -> up(path), false).onComplete(result -> {
            boolean up = result.succeeded() && result.result();
            ctx.response().setStatusCode(up ? 200 : 503)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
    }

    private boolean up(String path) {
        boolean readiness = path.endsWith("/ready");
        Collection<HealthCheck.Result> results = path.endsWith("/live") ? HealthCheckHelper.invokeLiveness(camel)
                : readiness ? HealthCheckHelper.invokeReadiness(camel) : HealthCheckHelper.invoke(camel);
        return HealthCheckHelper.isResultsUp(results, readiness);
    }
}
