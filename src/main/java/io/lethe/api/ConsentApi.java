package io.lethe.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.register.ConsentRegister;
import io.lethe.register.ConsentStatus;
import io.lethe.register.NewConsent;
import io.lethe.register.Purposes;
import io.lethe.register.RecordOutcome;
import org.apache.camel.Exchange;

/** {@code POST /api/v1/consents} and {@code /consents/batch}. */
public final class ConsentApi {

    public static final int MAX_BATCH = 1000;

    private final ConsentRegister register;
    private final ConsentRequests requests;
    private final Purposes purposes;
    private final Json json;
    private final Responses responses;

    public ConsentApi(ConsentRegister register, ConsentRequests requests, Purposes purposes, Json json, Responses responses) {
        this.register = register;
        this.requests = requests;
        this.purposes = purposes;
        this.json = json;
        this.responses = responses;
    }

    public void record(Exchange exchange) {
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        Optional<NewConsent> consent = requests.parse(body, "", defaultSource(exchange), errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        List<NewConsent> toRecord = new ArrayList<>(List.of(consent.get()));
        Optional<NewConsent> gpc = globalPrivacyControl(exchange, consent.get());
        gpc.ifPresent(toRecord::add);

        List<RecordOutcome> outcomes = register.record(toRecord);
        if (outcomes.get(0) instanceof RecordOutcome.UnlinkedIdentity unlinked) {
            throw IdentityProblems.unlinked(fields(unlinked, ""), role(exchange));
        }
        if (!(outcomes.get(0) instanceof RecordOutcome.Recorded recorded)) {
            throw role(exchange) == Role.INTAKE ? IdentityProblems.refused("", List.of("subject"), Role.INTAKE)
                    : identityConflict();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("eventId", recorded.eventId());
        result.put("subjectId", recorded.subjectId());
        if (gpc.isPresent() && outcomes.get(1) instanceof RecordOutcome.Recorded gpcRecorded) {
            result.put("gpcEventId", gpcRecorded.eventId());
        }
        responses.json(exchange, 201, result);
    }

    public void recordBatch(Exchange exchange) {
        JsonNode body = json.readObject(exchange);
        FieldErrors envelope = new FieldErrors();
        envelope.rejectUnknown(body, "", java.util.Set.of("events"));
        JsonNode events = body.get("events");
        if (events == null || !events.isArray()) {
            envelope.add("events", "is required and must be an array");
        } else if (events.size() > MAX_BATCH) {
            envelope.add("events", "must hold at most " + MAX_BATCH + " events");
        }
        if (!envelope.isEmpty()) {
            throw ApiProblem.invalid(envelope.list());
        }

        // Parse every item; remember which result slot each recorded event fills.
        String defaultSource = defaultSource(exchange);
        Object[] results = new Object[events.size()];
        List<NewConsent> toRecord = new ArrayList<>();
        List<Integer> slotOf = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            FieldErrors errors = new FieldErrors();
            Optional<NewConsent> consent = requests.parse(events.get(i), "events[" + i + "].", defaultSource, errors);
            if (consent.isEmpty()) {
                results[i] = Map.of("error", Problems.body(ApiProblem.invalid(errors.list())));
                continue;
            }
            toRecord.add(consent.get());
            slotOf.add(i);
            Optional<NewConsent> gpc = globalPrivacyControl(exchange, consent.get());
            if (gpc.isPresent()) {
                toRecord.add(gpc.get());
                slotOf.add(-1); // recorded alongside, not reported as its own result
            }
        }
        List<RecordOutcome> outcomes = toRecord.isEmpty() ? List.of() : register.record(toRecord);
        for (int k = 0; k < outcomes.size(); k++) {
            int slot = slotOf.get(k);
            if (slot < 0) {
                continue;
            }
            RecordOutcome outcome = outcomes.get(k);
            if (outcome instanceof RecordOutcome.Recorded r) {
                results[slot] = Map.of("eventId", r.eventId(), "subjectId", r.subjectId());
            } else if (outcome instanceof RecordOutcome.UnlinkedIdentity unlinked) {
                results[slot] = Map.of("error", Problems.body(IdentityProblems.unlinked(
                        fields(unlinked, "events[" + slot + "]."), role(exchange))));
            } else {
                results[slot] = Map.of("error", Problems.body(role(exchange) == Role.INTAKE
                        ? IdentityProblems.refused("", List.of("events[" + slot + "].subject"), Role.INTAKE)
                        : identityConflict()));
            }
        }
        responses.json(exchange, 200, Map.of("results", results));
    }

    /**
     * A browser that sends {@code Sec-GPC: 1} tells us the person opts out of sale and sharing (Global Privacy
     * Control): record a {@code third_party_sharing} withdrawal with the same capture.
     */
    private Optional<NewConsent> globalPrivacyControl(Exchange exchange, NewConsent consent) {
        String gpc = exchange.getMessage().getHeader("Sec-GPC", String.class);
        boolean alreadyThatWithdrawal = Purposes.THIRD_PARTY_SHARING.equals(consent.purpose())
                && consent.status() != ConsentStatus.GRANTED;
        if (!"1".equals(gpc == null ? null : gpc.strip()) || alreadyThatWithdrawal
                || !purposes.contains(Purposes.THIRD_PARTY_SHARING)) {
            return Optional.empty();
        }
        return Optional.of(consent.withPurpose(Purposes.THIRD_PARTY_SHARING, ConsentStatus.WITHDRAWN));
    }

    private static List<String> fields(RecordOutcome.UnlinkedIdentity unlinked, String prefix) {
        return unlinked.notOnRecord().stream().map(kind -> prefix + "subject." + kind.field()).toList();
    }

    private static Role role(Exchange exchange) {
        return exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class).role();
    }

    private static String defaultSource(Exchange exchange) {
        Principal principal = exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
        return "api:" + principal.keyName();
    }

    private static ApiProblem identityConflict() {
        return new ApiProblem(409, "Identity conflict", "The identities given belong to two different subjects;"
                + " send one identity, or resolve the subjects first.");
    }
}
