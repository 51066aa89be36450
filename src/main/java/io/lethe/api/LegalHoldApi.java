package io.lethe.api;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.requests.LegalHolds;
import io.lethe.requests.LegalHolds.Hold;
import org.apache.camel.Exchange;

/**
 * Legal holds (GDPR Art. 17(3)): {@code POST /subjects/{id}/hold} {reason, until?}, {@code DELETE /subjects/{id}/hold}
 * {reason}, {@code GET /subjects/{id}/hold} (the subject's holds) and {@code GET /holds} (active ones; {@code
 * all=true} for every hold). See {@link LegalHolds} for what a hold stops.
 */
public final class LegalHoldApi {

    static final int REASON_MAX = 1000;
    private static final Set<String> PLACE_FIELDS = Set.of("reason", "until");
    private static final Set<String> RELEASE_FIELDS = Set.of("reason");

    private final LegalHolds holds;
    private final Json json;
    private final Responses responses;
    private final Clock clock;

    public LegalHoldApi(LegalHolds holds, Json json, Responses responses, Clock clock) {
        this.holds = holds;
        this.json = json;
        this.responses = responses;
        this.clock = clock;
    }

    public void place(Exchange exchange) {
        String subjectId = SubjectApi.subjectId(exchange);
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", PLACE_FIELDS);
        String reason = errors.text(body, "reason", "", true, REASON_MAX);
        String untilText = errors.text(body, "until", "", false, 64);
        Instant until = null;
        if (untilText != null) {
            try {
                until = OffsetDateTime.parse(untilText).toInstant();
                if (!until.isAfter(clock.instant())) {
                    errors.add("until", "must be in the future");
                }
            } catch (DateTimeParseException e) {
                errors.add("until", "must be an ISO-8601 date-time with offset, e.g. 2027-06-30T00:00:00Z");
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        Hold hold;
        try {
            hold = holds.place(subjectId, reason.strip(), until, principal(exchange));
        } catch (LegalHolds.HoldException e) {
            throw problem(e);
        }
        responses.json(exchange, 201, render(hold));
    }

    public void release(Exchange exchange) {
        String subjectId = SubjectApi.subjectId(exchange);
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", RELEASE_FIELDS);
        String reason = errors.text(body, "reason", "", true, REASON_MAX);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        Hold hold;
        try {
            hold = holds.release(subjectId, reason.strip(), principal(exchange));
        } catch (LegalHolds.HoldException e) {
            throw problem(e);
        }
        responses.json(exchange, 200, render(hold));
    }

    public void ofSubject(Exchange exchange) {
        String subjectId = SubjectApi.subjectId(exchange);
        List<Hold> list = holds.ofSubject(subjectId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subjectId", subjectId);
        body.put("active", list.stream().anyMatch(Hold::active));
        body.put("holds", list.stream().map(LegalHoldApi::render).toList());
        responses.json(exchange, 200, body);
    }

    public void list(Exchange exchange) {
        QueryParams q = new QueryParams(exchange, Set.of("all"));
        String all = q.oneOf("all", List.of("true", "false"), "false");
        q.throwIfInvalid();
        responses.json(exchange, 200, Map.of("holds", holds.list(!Boolean.parseBoolean(all), 1000).stream()
                .map(LegalHoldApi::render).toList()));
    }

    static Map<String, Object> render(Hold h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("holdId", h.id());
        m.put("subjectId", h.subjectId());
        m.put("active", h.active());
        m.put("reason", h.reason());
        m.put("placedBy", h.placedBy());
        m.put("placedAt", h.placedAt().toString());
        m.put("until", h.until() == null ? null : h.until().toString());
        m.put("releasedBy", h.releasedBy());
        m.put("releasedAt", h.releasedAt() == null ? null : h.releasedAt().toString());
        m.put("releaseReason", h.releaseReason());
        return m;
    }

    private static String principal(Exchange exchange) {
        return exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class).keyName();
    }

    private static ApiProblem problem(LegalHolds.HoldException e) {
        return e.status() == 404 ? ApiProblem.notFound(e.getMessage()) : new ApiProblem(e.status(), "Conflict",
                e.getMessage());
    }
}
