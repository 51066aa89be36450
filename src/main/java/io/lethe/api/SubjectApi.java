package io.lethe.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.register.ConsentEvent;
import io.lethe.register.ConsentRegister;
import io.lethe.register.ConsentState;
import io.lethe.register.HistoryPage;
import io.lethe.register.IdentityKind;
import io.lethe.register.UnknownHistoryCursorException;
import org.apache.camel.Exchange;

/** Subject lookup, current consents and consent history. Subjects are addressed by subjectId only, never by e-mail. */
public final class SubjectApi {

    private static final Set<String> HISTORY_PARAMS = Set.of("after", "limit");
    private static final Pattern SUBJECT_ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    private final ConsentRegister register;
    private final Json json;
    private final Responses responses;

    public SubjectApi(ConsentRegister register, Json json, Responses responses) {
        this.register = register;
        this.json = json;
        this.responses = responses;
    }

    /** {@code POST /subjects/lookup} with exactly one identity. */
    public void lookup(Exchange exchange) {
        JsonNode body = json.readObject(exchange);
        Map.Entry<IdentityKind, String> identity = ConsentRequests.singleIdentity(body);
        String subjectId = register.findSubject(identity.getKey(), identity.getValue())
                .orElseThrow(() -> ApiProblem.notFound("No subject has that identity."));
        responses.json(exchange, 200, Map.of("subjectId", subjectId));
    }

    public void consents(Exchange exchange) {
        String subjectId = subjectId(exchange);
        List<ConsentState> states = register.currentConsents(subjectId).orElseThrow(SubjectApi::unknownSubject);
        Map<String, Object> purposes = new LinkedHashMap<>();
        for (ConsentState s : states) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("status", s.status().wire());
            state.put("since", s.since().toString());
            state.put("lawfulBasis", s.lawfulBasis());
            state.put("source", s.source());
            purposes.put(s.purpose(), state);
        }
        responses.json(exchange, 200, Map.of("subjectId", subjectId, "purposes", purposes));
    }

    /** A page of history, oldest first; {@code nextAfter} (the last event's position) continues it, null at the end. */
    public void history(Exchange exchange) {
        String subjectId = subjectId(exchange);
        QueryParams q = new QueryParams(exchange, HISTORY_PARAMS);
        long after = q.number("after", 0, 1, Long.MAX_VALUE);
        int limit = (int) q.number("limit", 100, 1, 1000);
        q.throwIfInvalid();
        HistoryPage page;
        try {
            page = register.history(subjectId, after == 0 ? null : after, limit).orElseThrow(SubjectApi::unknownSubject);
        } catch (UnknownHistoryCursorException e) {
            throw ApiProblem.invalid(List.of(
                    new ApiProblem.FieldError("after", "is not a nextAfter of this subject's history")));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subjectId", subjectId);
        body.put("events", page.events().stream().map(SubjectApi::render).toList());
        body.put("nextAfter", page.nextAfter());
        responses.json(exchange, 200, body);
    }

    private static Map<String, Object> render(ConsentEvent e) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", e.eventId());
        event.put("purpose", e.purpose());
        event.put("status", e.status().wire());
        event.put("lawfulBasis", e.lawfulBasis());
        event.put("source", e.source());
        event.put("capturedAt", e.capturedAt().toString());
        event.put("recordedAt", e.recordedAt().toString());
        if (e.evidenceErased()) {
            event.put("evidence", Map.of("erased", true));
        } else if (e.evidence() != null) {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("noticeVersion", e.evidence().noticeVersion());
            evidence.put("ip", e.evidence().ip());
            evidence.put("userAgent", e.evidence().userAgent());
            if (e.evidence().observed() != null) {
                evidence.put("observed", e.evidence().observed());
            }
            event.put("evidence", evidence);
        } else {
            event.put("evidence", null);
        }
        return event;
    }

    static String subjectId(Exchange exchange) {
        String id = exchange.getMessage().getHeader("subjectId", String.class);
        if (id == null || !SUBJECT_ID.matcher(id).matches()) {
            throw unknownSubject();
        }
        return id;
    }

    private static ApiProblem unknownSubject() {
        return ApiProblem.notFound("No subject has that subjectId.");
    }
}
