package io.lethe.console;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

import io.lethe.api.RetentionApi;
import io.lethe.requests.LegalHolds;
import io.lethe.requests.RequestService;
import io.lethe.retention.Retention;
import io.lethe.retention.RetentionPolicy;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/retention}: the policies of config/retention.yaml, what a run now would erase (the preview),
 * the retention erasures filed and their status, the runs, and the legal holds. Admins run the policies now
 * ({@code POST .../run}), place a hold ({@code POST .../holds}: subjectId, reason, until) and release one
 * ({@code POST .../holds/{subjectId}/release}: reason); all through the services the API uses.
 */
public final class RetentionPage {

    private static final Pattern SUBJECT_ID = Pattern.compile(
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    static final int DONE_MAX = 100;

    /** The page's view. */
    public record View(Frame frame, List<RetentionPolicy> policies, List<Retention.PolicyPreview> upcoming,
            List<RequestService.FiledRequest> done, List<Retention.Run> runs, List<LegalHolds.Hold> holds,
            String notice) {
    }

    private final Retention retention;
    private final LegalHolds holds;
    private final RequestService requests;
    private final RetentionApi api;
    private final ConsoleView view;
    private final Clock clock;

    public RetentionPage(Retention retention, LegalHolds holds, RequestService requests, RetentionApi api, Clock clock) {
        this.retention = retention;
        this.holds = holds;
        this.requests = requests;
        this.api = api;
        this.view = new ConsoleView();
        this.clock = clock;
    }

    public void show(Exchange exchange) {
        String done = Params.of(exchange).code("done", "done");
        String notice = switch (done == null ? "" : done) {
            case "run" -> "The enabled policies are running now; their runs appear below when done.";
            case "none" -> "No policy is enabled: nothing to run.";
            case "placed" -> "The legal hold is placed: no erasure of the subject runs until it is released.";
            case "released" -> "The legal hold is released: the erasures it stopped have restarted.";
            default -> null;
        };
        view.page(exchange, 200, "retention", new View(Frame.of(exchange, "Retention", "/console/retention"),
                retention.policies().all(), retention.preview(), requests.filedBy("retention:", DONE_MAX),
                retention.recent(30), holds.list(false, 200), notice));
    }

    public void run(Exchange exchange) {
        List<String> runs = api.startNow(ConsoleGuard.session(exchange).principal().keyName());
        ConsoleView.redirect(exchange.getMessage(), "/console/retention?done=" + (runs.isEmpty() ? "none" : "run"));
    }

    public void place(Exchange exchange) {
        Form form = Form.of(exchange);
        String subjectId = form.get("subjectId");
        if (subjectId == null || !SUBJECT_ID.matcher(subjectId).matches()) {
            throw ConsoleRefusal.invalid("subjectId: give the subject's id (look it up on the Subjects page).");
        }
        String reason = reason(form);
        Instant until = null;
        String day = form.get("until");
        if (day != null) {
            try {
                until = LocalDate.parse(day).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw ConsoleRefusal.invalid("until: not a date (yyyy-mm-dd).");
            }
            if (!until.isAfter(clock.instant())) {
                throw ConsoleRefusal.invalid("until: must be today or later.");
            }
        }
        try {
            holds.place(subjectId, reason, until, ConsoleGuard.session(exchange).principal().keyName());
        } catch (LegalHolds.HoldException e) {
            throw new ConsoleRefusal(e.status(), e.getMessage());
        }
        ConsoleView.redirect(exchange.getMessage(), "/console/retention?done=placed");
    }

    public void release(Exchange exchange) {
        String subjectId = exchange.getMessage().getHeader("subjectId", String.class);
        if (subjectId == null || !SUBJECT_ID.matcher(subjectId).matches()) {
            throw ConsoleRefusal.notFound("No subject has that subjectId.");
        }
        String reason = reason(Form.of(exchange));
        try {
            holds.release(subjectId, reason, ConsoleGuard.session(exchange).principal().keyName());
        } catch (LegalHolds.HoldException e) {
            throw new ConsoleRefusal(e.status(), e.getMessage());
        }
        ConsoleView.redirect(exchange.getMessage(), "/console/retention?done=released");
    }

    private static String reason(Form form) {
        String reason = form.get("reason");
        if (reason == null || reason.length() > 1000 || reason.chars().anyMatch(Character::isISOControl)) {
            throw ConsoleRefusal.invalid("reason: required, one line of at most 1000 characters (it is kept sealed"
                    + " with the subject's key).");
        }
        return reason;
    }
}
