package io.lethe.console;

import java.util.List;

import io.lethe.api.AuditApi;
import io.lethe.review.DataMap;
import io.lethe.review.RiskReport;
import io.lethe.review.Table;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/reports}: the data map (Art. 30 record of processing, from the connector files) and the risk
 * report, each section with a CSV download ({@code GET /console/reports/csv/{report}}) of exactly its rows, cells a
 * spreadsheet would run as a formula neutralised (the sync log's CSV rule, {@link AuditApi#cell}).
 */
public final class ReportsPage {

    public static final String DATA_MAP = "data-map";

    public record View(Frame frame, Table dataMap, List<RiskReport.Section> risks, int maxAgeMonths) {
    }

    private final DataMap dataMap;
    private final RiskReport risks;
    private final ConsoleView view;

    public ReportsPage(DataMap dataMap, RiskReport risks, ConsoleView view) {
        this.dataMap = dataMap;
        this.risks = risks;
        this.view = view;
    }

    public void show(Exchange exchange) {
        view.page(exchange, 200, "reports", new View(Frame.of(exchange, "Reports", "/console/reports"),
                dataMap.table(), risks.all(), risks.maxAgeMonths()));
    }

    /** {@code report}: {@value #DATA_MAP} or a risk section id. */
    public void csv(Exchange exchange) {
        String report = exchange.getMessage().getHeader("report", String.class);
        Table table;
        if (DATA_MAP.equals(report)) {
            table = dataMap.table();
        } else {
            table = (report == null ? java.util.Optional.<RiskReport.Section>empty() : risks.section(report))
                    .map(RiskReport.Section::table)
                    .orElseThrow(() -> ConsoleRefusal.notFound("There is no such report."));
        }
        ConsoleView.download(exchange.getMessage(), "text/csv; charset=UTF-8", "lethe-" + report + ".csv", csv(table));
    }

    /** RFC 4180, CRLF line ends, a header line. */
    static String csv(Table table) {
        StringBuilder out = new StringBuilder();
        line(out, table.header());
        table.rows().forEach(r -> line(out, r));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            out.append(i == 0 ? "" : ",").append(AuditApi.cell(cells.get(i)));
        }
        out.append("\r\n");
    }
}
