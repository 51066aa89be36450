package io.lethe.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * The console's navigation, in this order. An entry shows when its route exists and the route's group
 * ({@link Access}) lets the session's role open it: the role map lives in routes/console.camel.yaml alone, and a page
 * listed here before its route is written simply does not show.
 */
public final class Nav {

    /** One entry: its label, its address and the id of the route that serves it. */
    public record Entry(String label, String path, String routeId) {
    }

    public static final List<Entry> ENTRIES = List.of(
            new Entry("Overview", "/console/overview", "console-overview"),
            new Entry("Subjects", "/console/subjects", "console-subjects"),
            new Entry("Requests", "/console/requests", "console-requests"),
            new Entry("Sync log", "/console/sync-log", "console-sync-log"),
            new Entry("Connectors", "/console/connectors", "console-connectors"),
            new Entry("Reports", "/console/reports", "console-reports"),
            new Entry("Access log", "/console/access-log", "console-access-log"),
            new Entry("Webhooks", "/console/webhooks", "console-webhooks"),
            new Entry("Breaches", "/console/breaches", "console-breaches"),
            new Entry("Retention", "/console/retention", "console-retention"));

    private Nav() {
    }

    /** The entries this session may open. */
    public static List<Entry> visible(CamelContext context, ConsoleSession session) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : ENTRIES) {
            Route route = context.getRoute(e.routeId());
            if (route != null && Access.ofGroup(route.getGroup()).filter(a -> a.allows(session.role())).isPresent()) {
                out.add(e);
            }
        }
        return out;
    }

    /** Where a session lands after sign-in: its first page. */
    public static Optional<String> landing(CamelContext context, ConsoleSession session) {
        return visible(context, session).stream().map(Entry::path).findFirst();
    }
}
