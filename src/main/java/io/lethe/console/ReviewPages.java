package io.lethe.console;

import io.lethe.api.RateLimits;
import io.lethe.review.BacklogHistory;
import io.lethe.review.ConnectorDescriptions;
import io.lethe.review.DataMap;
import io.lethe.review.PersonalDataAccessLog;
import io.lethe.review.RiskReport;
import io.lethe.review.SubjectFile;
import org.apache.camel.spi.Registry;

/**
 * The console-data pages (subject, connectors, reports, access log), bound under the names routes/console.camel.yaml
 * refers to. They read through the read models of {@code io.lethe.review}; the frame (sign-in, guard, layout) is
 * {@link Console}'s.
 */
public final class ReviewPages {

    /** The read models the pages show. */
    public record Models(SubjectFile subjects, PersonalDataAccessLog accessLog, ConnectorDescriptions connectors,
            DataMap dataMap, RiskReport risks, BacklogHistory backlog) {
    }

    private ReviewPages() {
    }

    /** {@code limits}: the API's, so a console look-up spends the same per-key and per-address budget. */
    public static void bind(Registry registry, Models m, RateLimits limits) {
        ConsoleView view = new ConsoleView();
        registry.bind("consoleSubjects", new SubjectPage(m.subjects(), limits, view));
        registry.bind("consoleConnectors", new ConnectorsPage(m.connectors(), m.backlog(), view,
                registry.lookupByNameAndType("reconcileApi", io.lethe.api.ReconcileApi.class)));
        registry.bind("consoleReports", new ReportsPage(m.dataMap(), m.risks(), view));
        registry.bind("consoleAccessLog", new AccessLogPage(m.accessLog(), view));
    }
}
