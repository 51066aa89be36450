package io.lethe.console;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.requests.Regulation;
import io.lethe.requests.RequestQuery;
import io.lethe.requests.RequestService;
import io.lethe.requests.RequestStatus;
import io.lethe.requests.RequestSummary;
import io.lethe.requests.RequestType;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/requests}: data-subject requests with their deadlines (overdue in red), filtered by type,
 * regulation, status and deadline, paged; above them the chart of requests per week by outcome.
 */
public final class RequestsPage {

    static final int PAGE = 50;
    static final int SOON_DAYS = 7;
    static final int CHART_WEEKS = 12;

    /** The filters as the form shows them. */
    public record Filters(String type, String regulation, String status, String due) {

        public String queryPage(int page) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            m.put("regulation", regulation);
            m.put("status", status);
            m.put("due", due);
            m.put("page", page > 1 ? page : null);
            return Fmt.query(m);
        }
    }

    /** The page's view. */
    public record View(Frame frame, Filters filters, List<String> types, List<String> regulations, List<String> statuses,
            List<String> problems, List<RequestSummary> requests, int page, boolean more, Instant now,
            WeeklyChart chart) {

        public boolean overdue(RequestSummary r) {
            return r.deadlineRuns() && r.dueAt().isBefore(now);
        }

        public boolean soon(RequestSummary r) {
            return r.deadlineRuns() && !overdue(r) && Fmt.daysLeft(r.dueAt(), now) < SOON_DAYS;
        }
    }

    private final RequestService requests;
    private final ConsoleView view;
    private final Clock clock;

    public RequestsPage(RequestService requests, ConsoleView view, Clock clock) {
        this.requests = requests;
        this.view = view;
        this.clock = clock;
    }

    public void list(Exchange exchange) {
        Params p = Params.of(exchange);
        List<String> problems = new ArrayList<>(p.problems());
        RequestType type = pick(p.code("type", "Type"), RequestType::ofWire, "Type", problems);
        Regulation regulation = pick(p.code("regulation", "Regulation"), Regulation::ofWire, "Regulation", problems);
        RequestStatus status = pick(p.code("status", "Status"), s -> Arrays.stream(RequestStatus.values())
                .filter(v -> v.wire().equals(s)).findFirst(), "Status", problems);
        RequestQuery.Due due = pick(p.code("due", "Deadline"), s -> Arrays.stream(RequestQuery.Due.values())
                .filter(v -> v.wire().equals(s)).findFirst(), "Deadline", problems);
        int page = (int) p.number("page", "Page", 1, 1, 100_000);
        problems.addAll(p.problems().stream().filter(x -> !problems.contains(x)).toList());
        Instant now = clock.instant();
        List<RequestSummary> found = List.of();
        boolean more = false;
        if (problems.isEmpty()) {
            found = requests.list(new RequestQuery(type, regulation, status, due, SOON_DAYS, (page - 1) * PAGE, PAGE));
            more = found.size() > PAGE;
            found = more ? found.subList(0, PAGE) : found;
        }
        WeeklyChart chart = WeeklyChart.of(requests.receivedPerDay(now.minus(java.time.Duration.ofDays(7L * CHART_WEEKS
                + 7))), now.atOffset(ZoneOffset.UTC).toLocalDate(), CHART_WEEKS);
        view.page(exchange, problems.isEmpty() ? 200 : 400, "requests", new View(
                Frame.of(exchange, "Requests", "/console/requests"),
                new Filters(p.raw("type"), p.raw("regulation"), p.raw("status"), p.raw("due")),
                Arrays.stream(RequestType.values()).map(RequestType::wire).toList(),
                Arrays.stream(Regulation.values()).map(Regulation::wire).toList(),
                Arrays.stream(RequestStatus.values()).map(RequestStatus::wire).toList(),
                problems, found, page, more, now, chart));
    }

    private static <T> T pick(String code, java.util.function.Function<String, java.util.Optional<T>> parse,
            String label, List<String> problems) {
        if (code == null) {
            return null;
        }
        return parse.apply(code).orElseGet(() -> {
            problems.add(label + ": " + code + " is not one of the choices.");
            return null;
        });
    }
}
