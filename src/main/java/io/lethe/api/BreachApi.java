package io.lethe.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.breach.Breach;
import io.lethe.breach.BreachClock;
import io.lethe.breach.BreachNotices;
import io.lethe.breach.BreachRegister;
import io.lethe.breach.BreachReport;
import io.lethe.connectors.Connectors;
import io.lethe.register.Purposes;
import org.apache.camel.Exchange;

/**
 * The breach register (routes/breach.camel.yaml): record, list, read with the 72-hour clock, amend (authority
 * notified), the authority report as JSON and printable HTML, the affected subjects, and the Art. 34 decision
 * (notices or an exemption). Texts are at most 4000 characters; answers hold ids, never an address.
 */
public final class BreachApi {

    static final Set<String> FIELDS = Set.of("awareAt", "nature", "subjectCategories", "subjectsApprox",
            "recordCategories", "recordsApprox", "consequences", "measures", "contact", "connectors", "purposes");
    static final Set<String> CHANGE_FIELDS = Set.of("nature", "subjectCategories", "subjectsApprox",
            "recordCategories", "recordsApprox", "consequences", "measures", "contact", "authorityNotifiedAt",
            "authorityReference", "delayReason");
    static final int TEXT_MAX = 4000;
    private static final Pattern ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    private final BreachRegister register;
    private final BreachNotices notices;
    private final Connectors connectors;
    private final Purposes purposes;
    private final Json json;
    private final Responses responses;

    public BreachApi(BreachRegister register, BreachNotices notices, Connectors connectors, Purposes purposes, Json json,
            Responses responses) {
        this.register = register;
        this.notices = notices;
        this.connectors = connectors;
        this.purposes = purposes;
        this.json = json;
        this.responses = responses;
    }

    public void record(Exchange exchange) {
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", FIELDS);
        Instant awareAt = instant(body, "awareAt", true, errors);
        Breach.Details details = details(body, true, errors);
        List<String> affectedConnectors = list(body, "connectors", errors, id -> connectors.enabled(id).isPresent(),
                "is not an enabled connector");
        List<String> affectedPurposes = list(body, "purposes", errors, purposes::contains, "is not a configured purpose");
        if (awareAt != null && awareAt.isAfter(register.clock().instant())) {
            errors.add("awareAt", "must not be in the future");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        try {
            Breach b = register.record(new BreachRegister.NewBreach(awareAt, details, affectedConnectors,
                    affectedPurposes), principal(exchange).keyName());
            responses.json(exchange, 201, render(b));
        } catch (BreachRegister.Refused e) {
            throw refused(e);
        }
    }

    public void list(Exchange exchange) {
        Instant now = register.clock().instant();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Breach b : register.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("breachId", b.id());
            m.put("awareAt", b.awareAt().toString());
            m.put("connectors", b.connectors());
            m.put("purposes", b.purposes());
            m.put("clock", clock(b.clock(now)));
            m.put("subjectCommunication", decision(b));
            out.add(m);
        }
        responses.json(exchange, 200, Map.of("breaches", out));
    }

    public void get(Exchange exchange) {
        responses.json(exchange, 200, render(load(exchange)));
    }

    public void change(Exchange exchange) {
        Breach b = load(exchange);
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", CHANGE_FIELDS);
        Breach.Details details = details(body, false, errors);
        Instant notifiedAt = instant(body, "authorityNotifiedAt", false, errors);
        String reference = errors.text(body, "authorityReference", "", false, 200);
        String delayReason = errors.text(body, "delayReason", "", false, TEXT_MAX);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        boolean anyDetail = CHANGE_FIELDS.stream().filter(FIELDS::contains).anyMatch(body::has);
        try {
            responses.json(exchange, 200, render(register.change(b.id(), new BreachRegister.Change(
                    anyDetail ? details : null, notifiedAt, reference, delayReason), principal(exchange).keyName())));
        } catch (BreachRegister.Refused e) {
            throw refused(e);
        }
    }

    public void report(Exchange exchange) {
        responses.json(exchange, 200, BreachReport.json(reportView(load(exchange))));
    }

    /** The printable report: escaped HTML, the console's CSP (no script, nothing from elsewhere), never cached. */
    public void reportHtml(Exchange exchange) {
        String html = BreachReport.html(reportView(load(exchange)));
        org.apache.camel.Message message = exchange.getMessage();
        Responses.clearInboundHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=UTF-8");
        message.setHeader("Content-Security-Policy", io.lethe.console.ConsoleView.CSP);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("X-Frame-Options", "DENY");
        io.lethe.console.ConsoleView.responseHeader(message, "Cache-Control", "no-store");
        message.setBody(html);
    }

    public void affected(Exchange exchange) {
        Breach b = load(exchange);
        List<String> ids = notices.affected(b);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("breachId", b.id());
        m.put("count", ids.size());
        m.put("subjectIds", ids);
        responses.json(exchange, 200, m);
    }

    public void sendNotices(Exchange exchange) {
        Breach b = load(exchange);
        try {
            Breach chosen = register.requestNotices(b.id(), principal(exchange).keyName());
            responses.json(exchange, 202, render(chosen));
        } catch (BreachRegister.Refused e) {
            throw refused(e);
        }
    }

    public void exemption(Exchange exchange) {
        Breach b = load(exchange);
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", Set.of("ground", "reason"));
        String ground = errors.text(body, "ground", "", true, 1);
        if (ground != null && !BreachRegister.EXEMPTION_GROUNDS.contains(ground)) {
            errors.add("ground", "must be a, b or c (Art. 34(3))");
        }
        String reason = errors.text(body, "reason", "", true, TEXT_MAX);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        try {
            responses.json(exchange, 200, render(register.recordExemption(b.id(), ground, reason,
                    principal(exchange).keyName())));
        } catch (BreachRegister.Refused e) {
            throw refused(e);
        }
    }

    // --- rendering --------------------------------------------------------------------------------------------------

    private Map<String, Object> render(Breach b) {
        Breach.Details d = b.details();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("breachId", b.id());
        m.put("awareAt", b.awareAt().toString());
        m.put("recordedAt", b.recordedAt().toString());
        m.put("recordedBy", b.recordedBy());
        m.put("updatedAt", b.updatedAt().toString());
        m.put("nature", d.nature());
        m.put("subjectCategories", d.subjectCategories());
        m.put("subjectsApprox", d.subjectsApprox());
        m.put("recordCategories", d.recordCategories());
        m.put("recordsApprox", d.recordsApprox());
        m.put("consequences", d.consequences());
        m.put("measures", d.measures());
        m.put("contact", d.contact());
        m.put("connectors", b.connectors());
        m.put("purposes", b.purposes());
        m.put("clock", clock(b.clock(register.clock().instant())));
        m.put("authorityNotifiedAt", b.authorityNotifiedAt() == null ? null : b.authorityNotifiedAt().toString());
        m.put("authorityReference", b.authorityReference());
        m.put("delayReason", b.delayReason());
        Map<String, Object> reminders = new LinkedHashMap<>();
        reminders.put("at24h", b.reminded24hAt() == null ? null : b.reminded24hAt().toString());
        reminders.put("at60h", b.reminded60hAt() == null ? null : b.reminded60hAt().toString());
        m.put("reminders", reminders);
        Map<String, Object> communication = decision(b);
        if (b.noticesRequestedAt() != null) {
            BreachNotices.Progress p = notices.progress(b);
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("affected", p.affected());
            progress.put("queued", p.queued());
            progress.put("withoutEmail", p.withoutEmail());
            progress.put("remaining", p.remaining());
            progress.put("mail", p.mail());
            progress.put("finished", p.finished());
            communication.put("progress", progress);
        }
        m.put("subjectCommunication", communication);
        return m;
    }

    private static Map<String, Object> decision(Breach b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decision", b.exemptionGround() != null ? "exemption" : b.noticesRequestedAt() != null ? "notices"
                : "undecided");
        if (b.exemptionGround() != null) {
            m.put("exemptionGround", b.exemptionGround());
            m.put("exemptionReason", b.exemptionReason());
            m.put("exemptionAt", b.exemptionAt().toString());
        }
        if (b.noticesRequestedAt() != null) {
            m.put("noticesRequestedAt", b.noticesRequestedAt().toString());
            m.put("noticesFinishedAt", b.noticesFinishedAt() == null ? null : b.noticesFinishedAt().toString());
        }
        return m;
    }

    static Map<String, Object> clock(BreachClock c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deadline", c.deadline().toString());
        m.put("hoursSinceAware", c.hoursSinceAware());
        m.put("hoursLeft", c.hoursLeft());
        m.put("overdue", c.overdue());
        m.put("authorityNotified", c.authorityNotified());
        m.put("notifiedLate", c.notifiedLate());
        return m;
    }

    private BreachReport.View reportView(Breach b) {
        Instant now = register.clock().instant();
        return new BreachReport.View(b, b.clock(now), notices.progress(b), now);
    }

    // --- reading the input ------------------------------------------------------------------------------------------

    private static Breach.Details details(JsonNode body, boolean required, FieldErrors errors) {
        return new Breach.Details(errors.text(body, "nature", "", required, TEXT_MAX),
                errors.text(body, "subjectCategories", "", required, TEXT_MAX), count(body, "subjectsApprox", errors),
                errors.text(body, "recordCategories", "", required, TEXT_MAX), count(body, "recordsApprox", errors),
                errors.text(body, "consequences", "", required, TEXT_MAX),
                errors.text(body, "measures", "", required, TEXT_MAX),
                errors.text(body, "contact", "", required, 1000));
    }

    private static Long count(JsonNode body, String name, FieldErrors errors) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || !v.canConvertToLong()) {
            errors.add(name, "must be a whole number, 0 or more");
            return null;
        }
        return v.asLong();
    }

    private static Instant instant(JsonNode body, String name, boolean required, FieldErrors errors) {
        String text = errors.text(body, name, "", required, 40);
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(name, "must be a date-time with an offset, e.g. 2026-12-01T09:30:00Z");
            return null;
        }
    }

    private static List<String> list(JsonNode body, String name, FieldErrors errors,
            java.util.function.Predicate<String> known, String unknown) {
        JsonNode v = body.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            errors.add(name, "must be an array of strings");
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            if (!item.isTextual() || !known.test(item.asText())) {
                errors.add(name + "[" + i + "]", unknown);
            } else if (!out.contains(item.asText())) {
                out.add(item.asText());
            }
        }
        return out;
    }

    private Breach load(Exchange exchange) {
        String id = exchange.getMessage().getHeader("breachId", String.class);
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiProblem.notFound("No breach has that breachId.");
        }
        return register.find(id).orElseThrow(() -> ApiProblem.notFound("No breach has that breachId."));
    }

    private static ApiProblem refused(BreachRegister.Refused e) {
        return e.field() == null ? new ApiProblem(409, "Conflict", "Refused: " + e.getMessage() + ".")
                : ApiProblem.invalid(e.field(), e.getMessage());
    }

    private static Principal principal(Exchange exchange) {
        return exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
    }
}
