package io.lethe.console;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.lethe.breach.Breach;
import io.lethe.breach.BreachClock;
import io.lethe.breach.BreachNotices;
import io.lethe.breach.BreachRegister;
import io.lethe.breach.BreachReport;
import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.register.Purposes;
import org.apache.camel.Exchange;

/**
 * {@code GET /console/breaches}: the breach register with each breach's 72-hour clock (overdue in red) and, for
 * admins, the form that records one ({@code POST /console/breaches/new}); {@code GET /console/breaches/{id}}: its
 * details, clock, affected count, notice progress and the actions (authority notified, send the Art. 34 notices, or
 * record an exemption), each a POST with the CSRF token; {@code GET .../report}: the printable authority report.
 * Everything goes through {@link BreachRegister} and {@link BreachNotices}, as the API does.
 */
public final class BreachesPage {

    private static final Pattern ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    static final int TEXT_MAX = 4000;
    /** The API's limit of the contact point (BreachApi). */
    static final int CONTACT_MAX = 1000;

    /** One row of the list. */
    public record Row(Breach breach, BreachClock clock) {
    }

    /** The list page's view. */
    public record ListView(Frame frame, List<Row> rows, List<String> connectors, List<String> purposes, String done) {
    }

    /** A breach's page. */
    public record View(Frame frame, Breach breach, BreachClock clock, int affected, BreachNotices.Progress progress,
            String done) {

        public String decision() {
            return breach.exemptionGround() != null ? "exemption" : breach.noticesRequestedAt() != null ? "notices"
                    : "undecided";
        }

        public String groundText() {
            return BreachReport.View.groundText(breach.exemptionGround());
        }
    }

    private final BreachRegister register;
    private final BreachNotices notices;
    private final Connectors connectors;
    private final Purposes purposes;
    private final ConsoleView view;

    public BreachesPage(BreachRegister register, BreachNotices notices, Connectors connectors, Purposes purposes,
            ConsoleView view) {
        this.register = register;
        this.notices = notices;
        this.connectors = connectors;
        this.purposes = purposes;
        this.view = view;
    }

    public void list(Exchange exchange) {
        Instant now = register.clock().instant();
        List<Row> rows = new ArrayList<>();
        for (Breach b : register.list()) {
            rows.add(new Row(b, b.clock(now)));
        }
        String done = "recorded".equals(Params.of(exchange).code("done", "done")) ? "The breach is recorded." : null;
        view.page(exchange, 200, "breaches", new ListView(Frame.of(exchange, "Breaches", "/console/breaches"), rows,
                connectors.enabled().stream().map(Connector::id).sorted().toList(),
                purposes.names().stream().sorted().toList(), done));
    }

    public void record(Exchange exchange) {
        Form form = Form.of(exchange);
        Instant awareAt = time(form.get("awareAt"), "When the company became aware");
        if (awareAt.isAfter(register.clock().instant())) {
            throw ConsoleRefusal.invalid("When the company became aware must not be in the future.");
        }
        Breach.Details details = new Breach.Details(text(form, "nature", "The nature of the breach"),
                text(form, "subjectCategories", "The categories of data subjects"), number(form, "subjectsApprox"),
                text(form, "recordCategories", "The categories of records"), number(form, "recordsApprox"),
                text(form, "consequences", "The likely consequences"), text(form, "measures", "The measures taken"),
                text(form, "contact", "The contact point", CONTACT_MAX));
        List<String> affected = new ArrayList<>();
        List<String> affectedPurposes = new ArrayList<>();
        for (String id : connectors.enabled().stream().map(Connector::id).toList()) {
            if (form.get("connector." + id) != null) {
                affected.add(id);
            }
        }
        for (String p : purposes.names()) {
            if (form.get("purpose." + p) != null) {
                affectedPurposes.add(p);
            }
        }
        String by = ConsoleGuard.session(exchange).principal().keyName();
        Breach b = register.record(new BreachRegister.NewBreach(awareAt, details, affected, affectedPurposes), by);
        ConsoleView.redirect(exchange.getMessage(), "/console/breaches/" + b.id() + "?done=recorded");
    }

    public void show(Exchange exchange) {
        Breach b = load(exchange);
        String done = switch (String.valueOf(Params.of(exchange).code("done", "done"))) {
            case "recorded" -> "The breach is recorded.";
            case "authority" -> "The authority's notification is recorded.";
            case "notices" -> "The Art. 34 notices are being queued, in batches.";
            case "exemption" -> "The exemption is recorded; no notice is sent.";
            default -> null;
        };
        BreachNotices.Progress progress = notices.progress(b);
        view.page(exchange, 200, "breach", new View(Frame.of(exchange, "Breach " + Fmt.shortId(b.id()),
                "/console/breaches"), b, b.clock(register.clock().instant()), progress.affected(), progress, done));
    }

    /** The printable report, as the API's report.html (the console's own session instead of an API key). */
    public void report(Exchange exchange) {
        Breach b = load(exchange);
        Instant now = register.clock().instant();
        ConsoleView.html(exchange.getMessage(), 200, BreachReport.html(new BreachReport.View(b, b.clock(now),
                notices.progress(b), now)));
    }

    public void authority(Exchange exchange) {
        Breach b = load(exchange);
        Form form = Form.of(exchange);
        Instant at = time(form.get("notifiedAt"), "When the authority was notified");
        String reference = form.get("reference");
        String delay = form.get("delayReason");
        if ((reference != null && reference.length() > 200) || (delay != null && delay.length() > TEXT_MAX)) {
            throw ConsoleRefusal.invalid("The reference is at most 200 characters, the delay reason " + TEXT_MAX + ".");
        }
        act(() -> register.change(b.id(), new BreachRegister.Change(null, at, reference, delay), by(exchange)));
        ConsoleView.redirect(exchange.getMessage(), "/console/breaches/" + b.id() + "?done=authority");
    }

    public void notices(Exchange exchange) {
        Breach b = load(exchange);
        act(() -> register.requestNotices(b.id(), by(exchange)));
        ConsoleView.redirect(exchange.getMessage(), "/console/breaches/" + b.id() + "?done=notices");
    }

    public void exemption(Exchange exchange) {
        Breach b = load(exchange);
        Form form = Form.of(exchange);
        String ground = form.get("ground");
        if (ground == null || !BreachRegister.EXEMPTION_GROUNDS.contains(ground)) {
            throw ConsoleRefusal.invalid("Choose the Art. 34(3) ground: a, b or c.");
        }
        String reason = text(form, "reason", "The reason for the exemption");
        act(() -> register.recordExemption(b.id(), ground, reason, by(exchange)));
        ConsoleView.redirect(exchange.getMessage(), "/console/breaches/" + b.id() + "?done=exemption");
    }

    private static void act(Runnable action) {
        try {
            action.run();
        } catch (BreachRegister.Refused e) {
            throw new ConsoleRefusal(e.field() == null ? 409 : 400, "Refused: " + (e.field() == null ? ""
                    : e.field() + " ") + e.getMessage() + ".");
        }
    }

    private static String by(Exchange exchange) {
        return ConsoleGuard.session(exchange).principal().keyName();
    }

    private static String text(Form form, String name, String label) {
        return text(form, name, label, TEXT_MAX);
    }

    /** As the API reads it: required, not blank, at most {@code max} characters. */
    private static String text(Form form, String name, String label, int max) {
        String v = form.get(name);
        if (v == null || v.isBlank() || v.length() > max) {
            throw ConsoleRefusal.invalid(label + " is required (at most " + max + " characters).");
        }
        return v;
    }

    private static Long number(Form form, String name) {
        String v = form.get(name);
        if (v == null) {
            return null;
        }
        if (!v.matches("\\d{1,15}")) {
            throw ConsoleRefusal.invalid("Approximate numbers are whole numbers.");
        }
        return Long.parseLong(v);
    }

    /** A date-time as a datetime-local field sends it (UTC), or with an offset. */
    private static Instant time(String v, String label) {
        if (v == null) {
            throw ConsoleRefusal.invalid(label + " is required.");
        }
        try {
            return v.matches(".*([zZ]|[+-]\\d\\d:\\d\\d)$") ? java.time.OffsetDateTime.parse(v).toInstant()
                    : LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw ConsoleRefusal.invalid(label + " must be a date and time (UTC).");
        }
    }

    private Breach load(Exchange exchange) {
        String id = exchange.getMessage().getHeader("breachId", String.class);
        if (id == null || !ID.matcher(id).matches()) {
            throw ConsoleRefusal.notFound("No breach has that id.");
        }
        return register.find(id).orElseThrow(() -> ConsoleRefusal.notFound("No breach has that id."));
    }
}
