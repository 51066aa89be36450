package io.lethe.console;

import java.time.Clock;
import java.time.Duration;

import io.lethe.api.ApiKeys;
import io.lethe.api.RateLimits;
import io.lethe.api.TrustedProxies;
import io.lethe.audit.AuditChain;
import io.lethe.audit.SyncLog;
import io.lethe.connectors.Connectors;
import io.lethe.dispatch.Outbox;
import io.lethe.dispatch.StalledCommands;
import io.lethe.reconcile.ReconcileRuns;
import io.lethe.register.ConsentRegister;
import io.lethe.register.Purposes;
import io.lethe.requests.RequestService;
import org.apache.camel.spi.Registry;

/**
 * The console's beans, bound under the names routes/console.camel.yaml refers to. The hub's wiring
 * ({@code HubConfiguration}) hands in the services the API uses too: pages show what the API holds, through the same
 * classes, never through queries of their own.
 */
public final class Console {

    /** What the pages read and change. */
    public record Services(ApiKeys keys, RateLimits limits, TrustedProxies proxies, String publicUrl,
            Duration idleTimeout, Clock clock, SyncLog syncLog, AuditChain auditChain, RequestService requests,
            Connectors connectors, Outbox outbox, StalledCommands stalled, ReconcileRuns reconcileRuns,
            ConsentRegister register, Purposes purposes) {
    }

    /** Sessions at most; past it the least recently used one ends. */
    static final int MAX_SESSIONS = 10_000;

    private Console() {
    }

    public static void bind(Registry registry, Services s) {
        ConsoleView view = new ConsoleView();
        ConsoleSessions sessions = new ConsoleSessions(s.idleTimeout(), MAX_SESSIONS, s.clock());
        ConsoleHttp http = new ConsoleHttp(s.proxies(), s.publicUrl());
        registry.bind("consoleSessions", sessions);
        registry.bind("consoleGuard", new ConsoleGuard(sessions, s.keys()));
        registry.bind("consoleErrors", new ConsoleErrors(view));
        registry.bind("consoleSignIn", new SignIn(sessions, s.keys(), s.limits(), http, view));
        registry.bind("consoleAssets", new StaticAssets());
        // Pages (console-web)
        registry.bind("consoleOverview", new OverviewPage(s.connectors(), s.outbox(), s.stalled(), s.reconcileRuns(),
                s.requests(), s.auditChain(), view, s.clock()));
        registry.bind("consoleSyncLog", new SyncLogPage(s.syncLog(), s.auditChain(), s.connectors(), view));
        registry.bind("consoleRequests", new RequestsPage(s.requests(), view, s.clock()));
        registry.bind("consoleRequest", new RequestPage(s.requests(), s.syncLog(), view, s.clock()));
        // Pages (console-data): bind subject, connector and report pages below.
    }
}
