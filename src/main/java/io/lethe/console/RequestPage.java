package io.lethe.console;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import io.lethe.api.Json;
import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.audit.SyncQuery;
import io.lethe.requests.DataSubjectRequest;
import io.lethe.requests.Regulation;
import io.lethe.requests.RequestService;
import io.lethe.requests.RequestStatus;
import io.lethe.requests.RequestType;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/requests/{requestId}}: one request with its timeline and each vendor's part; for admins the
 * actions {@code POST .../extend} (reason, months) and {@code POST .../cancel}, and {@code GET .../export} (the access
 * package, once an access request is completed). Actions go through {@link RequestService}, as the API's do.
 */
public final class RequestPage {

    private static final Pattern REQUEST_ID = Pattern.compile(
            "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    /** Sync-log entries the timeline shows at most (the sync log page has them all). */
    static final int TIMELINE_ENTRIES = 500;

    /** One line of the timeline. */
    public record Event(Instant at, String what, String detail) {
    }

    /** The page's view. */
    public record View(Frame frame, DataSubjectRequest request, List<Event> timeline, Instant now, String done) {

        public boolean open() {
            return request.isOpen();
        }

        public boolean deadlineRuns() {
            return request.isOpen() || request.status() == RequestStatus.ACTION_REQUIRED;
        }

        public boolean overdue() {
            return deadlineRuns() && request.dueAt().isBefore(now);
        }

        public boolean canExtend() {
            return frame.admin() && open() && request.extendedAt() == null;
        }

        public boolean gdpr() {
            return request.regulation() == Regulation.GDPR;
        }

        public boolean hasExport() {
            return frame.admin() && request.type() == RequestType.ACCESS && request.status() == RequestStatus.COMPLETED;
        }
    }

    private final RequestService requests;
    private final SyncLog syncLog;
    private final ConsoleView view;
    private final Json json = new Json();
    private final Clock clock;
    private final io.lethe.review.PersonalDataAccessLog accessLog;

    public RequestPage(RequestService requests, SyncLog syncLog, ConsoleView view, Clock clock,
            io.lethe.review.PersonalDataAccessLog accessLog) {
        this.requests = requests;
        this.syncLog = syncLog;
        this.view = view;
        this.clock = clock;
        this.accessLog = accessLog;
    }

    public void show(Exchange exchange) {
        DataSubjectRequest r = load(exchange);
        String done = Params.of(exchange).code("done", "done");
        String message = "extended".equals(done) ? "The deadline is extended and the person is told why."
                : "cancelled".equals(done) ? "The request is cancelled; vendor work not yet sent is skipped." : null;
        view.page(exchange, 200, "request", new View(Frame.of(exchange, "Request " + Fmt.shortId(r.id()),
                "/console/requests"), r, timeline(r), clock.instant(), message));
    }

    public void extend(Exchange exchange) {
        DataSubjectRequest r = load(exchange);
        Form form = Form.of(exchange);
        String reason = form.get("reason");
        if (reason == null || reason.length() > 1000) {
            throw ConsoleRefusal.invalid("An extension needs a reason (at most 1000 characters): it is sent to the"
                    + " person.");
        }
        int months = 2;
        String m = form.get("months");
        if (r.regulation() == Regulation.GDPR && m != null) {
            if (!m.equals("1") && !m.equals("2")) {
                throw ConsoleRefusal.invalid("A GDPR extension is 1 or 2 months.");
            }
            months = Integer.parseInt(m);
        }
        try {
            requests.extend(r.id(), months, reason);
        } catch (IllegalStateException e) {
            throw new ConsoleRefusal(409, "The request cannot be extended: " + e.getMessage() + ".");
        }
        ConsoleView.redirect(exchange.getMessage(), "/console/requests/" + r.id() + "?done=extended");
    }

    public void cancel(Exchange exchange) {
        DataSubjectRequest r = load(exchange);
        try {
            requests.cancel(r.id());
        } catch (IllegalStateException e) {
            throw new ConsoleRefusal(409, "The request cannot be cancelled: " + e.getMessage() + ".");
        }
        ConsoleView.redirect(exchange.getMessage(), "/console/requests/" + r.id() + "?done=cancelled");
    }

    /** The access package as a JSON file (it holds the person's data: a download, never cached). */
    public void export(Exchange exchange) {
        DataSubjectRequest r = load(exchange);
        if (r.type() != RequestType.ACCESS || r.status() != RequestStatus.COMPLETED) {
            throw new ConsoleRefusal(409, "Only a completed access request has an access package.");
        }
        String file = json.write(requests.exportPackage(r));
        ConsoleSession session = ConsoleGuard.session(exchange);
        // The package is the person's data: who downloaded it is on the access log compliance reads.
        accessLog.record(session.principal().keyName(), session.role().wire(), r.subjectId(),
                "access package of request " + r.id() + " downloaded in the console");
        ConsoleView.download(exchange.getMessage(), "application/json", "access-" + r.id() + ".json", file);
    }

    private io.lethe.requests.LegalHolds holds;

    /** Legal holds, whose reasons the timeline of an erasure shows (the retention wiring sets them). */
    public void setHolds(io.lethe.requests.LegalHolds holds) {
        this.holds = holds;
    }

    private DataSubjectRequest load(Exchange exchange) {
        String id = exchange.getMessage().getHeader("requestId", String.class);
        if (id == null || !REQUEST_ID.matcher(id).matches()) {
            throw ConsoleRefusal.notFound("No request has that id.");
        }
        return requests.find(id).orElseThrow(() -> ConsoleRefusal.notFound("No request has that id."));
    }

    private List<Event> timeline(DataSubjectRequest r) {
        List<Event> events = new ArrayList<>();
        events.add(new Event(r.receivedAt(), "Received", r.type().wire() + " under " + r.regulation().wire().toUpperCase(
                java.util.Locale.ROOT) + ", due " + Fmt.day(r.dueAt())));
        List<SyncEntry> entries = syncLog.find(new SyncQuery(null, null, r.id(), null, null, null, null, 0,
                TIMELINE_ENTRIES));
        for (SyncEntry e : entries.subList(0, Math.min(entries.size(), TIMELINE_ENTRIES))) {
            events.add(new Event(e.at(), e.vendor() + ": " + e.action() + " → " + e.outcome(),
                    (e.httpStatus() == null ? "" : "HTTP " + e.httpStatus() + " ")
                            + (e.attempt() == null ? "" : "attempt " + e.attempt() + " ")
                            + (e.detail() == null ? "" : e.detail()) + " (seq " + e.seq() + ")"));
        }
        if (r.extendedAt() != null) {
            events.add(new Event(r.extendedAt(), "Deadline extended", r.extensionReason()));
        }
        if (holds != null && r.type() == RequestType.ERASURE && r.subjectId() != null) { // Art. 17(3) reasons
            for (io.lethe.requests.LegalHolds.Hold h : holds.ofSubject(r.subjectId())) {
                events.add(new Event(h.placedAt(), "Legal hold placed on the subject by " + h.placedBy(),
                        Fmt.orDash(h.reason()) + " (hold " + h.id() + ")"));
                if (h.releasedAt() != null) {
                    events.add(new Event(h.releasedAt(), "Legal hold released by " + h.releasedBy(),
                            Fmt.orDash(h.releaseReason())));
                }
            }
        }
        for (DataSubjectRequest.VendorProgress v : r.vendors()) {
            events.add(new Event(v.updatedAt(), v.vendor() + " part " + v.status(), v.detail()));
        }
        events.sort(Comparator.comparing(Event::at));
        return events;
    }
}
