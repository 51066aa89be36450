package io.lethe.console;

import java.time.Duration;
import java.util.List;

import io.lethe.review.BacklogChart;
import io.lethe.review.BacklogHistory;
import io.lethe.review.ConnectorDescriptions;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/connectors}: each connector's declaration in plain words with its latest reconciliation runs
 * (drift per rule, the actions listed), and the vendors' backlog over the last seven days as a chart.
 */
public final class ConnectorsPage {

    static final Duration CHART_WINDOW = Duration.ofDays(7);
    static final int CHART_POINTS = 29; // every six hours

    /** One connector with its runs. */
    public record Entry(ConnectorDescriptions.Description description, List<ConnectorDescriptions.Run> runs) {
    }

    public record View(Frame frame, List<Entry> connectors, BacklogChart.Drawing backlog) {
    }

    private final ConnectorDescriptions descriptions;
    private final BacklogHistory backlog;
    private final ConsoleView view;

    private final io.lethe.api.ReconcileApi reconcile;

    public ConnectorsPage(ConnectorDescriptions descriptions, BacklogHistory backlog, ConsoleView view,
            io.lethe.api.ReconcileApi reconcile) {
        this.reconcile = reconcile;
        this.descriptions = descriptions;
        this.backlog = backlog;
        this.view = view;
    }

    /** Starts a reconciliation of one connector, a dry run unless the form says otherwise (admin, CSRF checked). */
    public void reconcile(Exchange exchange) {
        String id = exchange.getMessage().getHeader("connectorId", String.class);
        boolean dryRun = !"false".equals(Form.of(exchange).get("dryRun"));
        String runId;
        try {
            runId = reconcile.startRun(id, dryRun);
        } catch (io.lethe.api.ApiProblem refused) {
            throw new ConsoleRefusal(refused.status(), refused.getMessage());
        }
        ConsoleView.redirect(exchange.getMessage(), "/console/connectors?run=" + runId);
    }

    public void show(Exchange exchange) {
        List<Entry> entries = descriptions.all().stream()
                .sorted((a, b) -> Boolean.compare(b.enabled(), a.enabled()))
                .map(d -> new Entry(d, descriptions.runs(d.id()))).toList();
        view.page(exchange, 200, "connectors", new View(Frame.of(exchange, "Connectors", "/console/connectors"),
                entries, BacklogChart.of(backlog.last(CHART_WINDOW, CHART_POINTS))));
    }
}
