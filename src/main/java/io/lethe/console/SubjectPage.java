package io.lethe.console;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.lethe.api.RateLimits;
import io.lethe.api.TooManyRequests;
import io.lethe.register.ConsentState;
import io.lethe.register.IdentityKind;
import io.lethe.review.PersonalDataAccessLog;
import io.lethe.review.SubjectFile;
import org.apache.camel.Exchange;

/**
 * Subjects: look-up by e-mail or external id (a POST form, so the identity never enters a URL), the current consent
 * per purpose (every console role), and, for compliance and admin, the subject's file opened with a typed reason
 * that goes to the access log first (history with evidence, each vendor's last command, the requests).
 */
public final class SubjectPage {

    private static final Pattern SUBJECT_ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    /**
     * {@code kind}/{@code error}: the look-up form's state; {@code subjectId} and {@code current} once found;
     * {@code canOpen}: the role may open the file; {@code reasonError}: the open form's field at fault.
     */
    public record View(Frame frame, String kind, String error, String subjectId, List<ConsentState> current,
            boolean canOpen, String reasonError, SubjectFile.Opened opened, io.lethe.requests.LegalHolds.Hold hold) {

        public View(Frame frame, String kind, String error, String subjectId, List<ConsentState> current,
                boolean canOpen, String reasonError, SubjectFile.Opened opened) {
            this(frame, kind, error, subjectId, current, canOpen, reasonError, opened, null);
        }

        /** The same view with the subject's active legal hold (null: none). */
        View withHold(io.lethe.requests.LegalHolds.Hold active) {
            return new View(frame, kind, error, subjectId, current, canOpen, reasonError, opened, active);
        }
    }

    private io.lethe.requests.LegalHolds holds;

    /** Legal holds, shown on the subject (the retention wiring sets them). */
    public void setHolds(io.lethe.requests.LegalHolds holds) {
        this.holds = holds;
    }

    private final SubjectFile file;
    private final RateLimits limits;
    private final ConsoleView view;

    public SubjectPage(SubjectFile file, RateLimits limits, ConsoleView view) {
        this.file = file;
        this.limits = limits;
        this.view = view;
    }

    /** {@code GET /console/subjects}: the look-up form. */
    public void form(Exchange exchange) {
        show(exchange, 200, new View(frame(exchange), "email", null, null, List.of(), false, null, null));
    }

    /** {@code POST /console/subjects/lookup}: fields {@code kind} (email, externalId) and {@code value}. */
    public void lookup(Exchange exchange) {
        Form form = Form.of(exchange);
        String kindField = "externalId".equals(form.get("kind")) ? "externalId" : "email";
        IdentityKind kind = IdentityKind.ofField(kindField).orElseThrow();
        String value = form.raw("value");
        Frame frame = frame(exchange);
        try { // the API's look-up budget (lethe.api.rate-limit.lookups-per-minute), per key and per address alike
            limits.beforeOperation("lookupSubject", ConsoleGuard.session(exchange).principal(),
                    limits.client(exchange.getMessage()));
        } catch (TooManyRequests tooMany) {
            show(exchange, 429, new View(frame, kindField, "Too many look-ups: try again in "
                    + tooMany.retryAfterSeconds() + " seconds.", null, List.of(), false, null, null));
            return;
        }
        if (value == null || value.isBlank()) {
            show(exchange, 400, new View(frame, kindField, "value: give an e-mail address or an external id",
                    null, List.of(), false, null, null));
            return;
        }
        Optional<String> subjectId = file.find(kind, value);
        if (subjectId.isEmpty()) {
            show(exchange, 404, new View(frame, kindField, "No subject has that " + (kind == IdentityKind.EMAIL
                    ? "e-mail address" : "external id") + ".", null, List.of(), false, null, null));
            return;
        }
        showCurrent(exchange, 200, frame, kindField, subjectId.get(), null);
    }

    /** {@code GET /console/subjects/{subjectId}}: a subject named by its opaque id (links from reports and logs). */
    public void show(Exchange exchange) {
        String subjectId = exchange.getMessage().getHeader("subjectId", String.class);
        if (subjectId == null || !SUBJECT_ID.matcher(subjectId).matches()) {
            throw ConsoleRefusal.notFound("No subject has that subjectId.");
        }
        showCurrent(exchange, 200, frame(exchange), "email", subjectId, null);
    }

    /** {@code POST /console/subjects/{subjectId}/open}: field {@code reason}; compliance and admin only (route group). */
    public void open(Exchange exchange) {
        String subjectId = exchange.getMessage().getHeader("subjectId", String.class);
        if (subjectId == null || !SUBJECT_ID.matcher(subjectId).matches()) {
            throw ConsoleRefusal.notFound("No subject has that subjectId.");
        }
        String reason = Form.of(exchange).get("reason");
        Frame frame = frame(exchange);
        Optional<String> problem = PersonalDataAccessLog.reasonProblem(reason);
        if (problem.isPresent()) {
            showCurrent(exchange, 400, frame, "email", subjectId, "reason " + problem.get());
            return;
        }
        ConsoleSession session = ConsoleGuard.session(exchange);
        SubjectFile.Opened opened = file.open(subjectId, session.principal().keyName(), session.role().wire(), reason)
                .orElseThrow(() -> ConsoleRefusal.notFound("No subject has that subjectId."));
        show(exchange, 200, new View(frame, "email", null, subjectId, opened.current(), true, null, opened));
    }

    private void showCurrent(Exchange exchange, int status, Frame frame, String kind, String subjectId,
            String reasonError) {
        List<ConsentState> current = file.current(subjectId)
                .orElseThrow(() -> ConsoleRefusal.notFound("No subject has that subjectId."));
        show(exchange, status, new View(frame, kind, null, subjectId, current,
                Access.REVIEW.allows(ConsoleGuard.session(exchange).role()),
                reasonError, null));
    }

    private static Frame frame(Exchange exchange) {
        return Frame.of(exchange, "Subjects", "/console/subjects");
    }

    private void show(Exchange exchange, int status, View v) {
        if (holds != null && v.subjectId() != null) { // an active legal hold shows on the subject
            v = v.withHold(holds.active(v.subjectId()).orElse(null));
        }
        view.page(exchange, status, "subjects", v);
    }
}
