package io.lethe.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.register.IdentityKind;
import io.lethe.requests.DataSubjectRequest;
import io.lethe.requests.Regulation;
import io.lethe.requests.RequestService;
import io.lethe.requests.RequestType;
import org.apache.camel.Exchange;

/** Data-subject requests: file, read, extend, cancel; and the person's confirmation link. */
public final class RequestsApi {

    static final Set<String> FIELDS = Set.of("type", "regulation", "subject", "changes", "purposes");
    static final Set<RequestType> EXECUTED = Set.of(RequestType.values());
    static final Set<String> CHANGE_FIELDS = Set.of("email", "firstName", "lastName", "phone");
    private static final Pattern REQUEST_ID = Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9_-]{43}$");

    private final RequestService requests;
    private final Json json;
    private final Responses responses;

    private final io.lethe.register.Purposes purposes;

    private final io.lethe.review.PersonalDataAccessLog accessLog;

    public RequestsApi(RequestService requests, io.lethe.register.Purposes purposes, Json json, Responses responses,
            io.lethe.review.PersonalDataAccessLog accessLog) {
        this.accessLog = accessLog;
        this.requests = requests;
        this.purposes = purposes;
        this.json = json;
        this.responses = responses;
    }

    public void file(Exchange exchange) {
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", FIELDS);
        String typeText = errors.text(body, "type", "", true, 16);
        RequestType type = typeText == null ? null : RequestType.ofWire(typeText).orElse(null);
        if (typeText != null && type == null) {
            errors.add("type", "must be erasure, access, rectification, restriction or objection");
        }
        String regulationText = errors.text(body, "regulation", "", false, 8);
        Regulation regulation = regulationText == null ? Regulation.GDPR : Regulation.ofWire(regulationText).orElse(null);
        if (regulation == null) {
            errors.add("regulation", "must be gdpr or ccpa");
        }
        Map<IdentityKind, String> identities = ConsentRequests.identities(body.get("subject"), "subject", errors);
        Map<String, String> changes = new LinkedHashMap<>();
        if (body.has("changes") && type != RequestType.RECTIFICATION) {
            errors.add("changes", "only a rectification request carries changes");
        } else if (type == RequestType.RECTIFICATION) {
            changes = changes(body.get("changes"), errors);
        }
        List<String> objected = new java.util.ArrayList<>();
        if (body.has("purposes") && type != RequestType.OBJECTION) {
            errors.add("purposes", "only an objection request carries purposes");
        } else if (type == RequestType.OBJECTION) {
            JsonNode list = body.get("purposes");
            if (list == null || !list.isArray() || list.isEmpty()) {
                errors.add("purposes", "an objection names at least one purpose");
            } else {
                for (int i = 0; i < list.size(); i++) {
                    JsonNode p = list.get(i);
                    if (!p.isTextual() || !purposes.contains(p.asText())) {
                        errors.add("purposes[" + i + "]", "is not a configured purpose");
                    } else if (!objected.contains(p.asText())) {
                        objected.add(p.asText());
                    }
                }
            }
        }
        Principal principal = exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
        boolean identityChecked = principal.role() == Role.ADMIN;
        if (errors.isEmpty() && !identityChecked && type.needsIdentityCheck() && !identities.containsKey(IdentityKind.EMAIL)) {
            errors.add("subject.email", "is needed to confirm the person's identity (a link is e-mailed to them)");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        if (!EXECUTED.contains(type)) {
            throw new ApiProblem(501, "Not implemented", type.wire() + " requests are part of the API contract but"
                    + " not available in this version of Lethe; nothing was stored.");
        }
        DataSubjectRequest r;
        try {
            r = requests.file(new RequestService.Filing(type, regulation, identities, objected, changes,
                    identityChecked, principal.keyName())).orElseThrow(() -> principal.role() == Role.INTAKE
                            ? IdentityProblems.refused("", List.of("subject"), Role.INTAKE)
                            : new ApiProblem(409, "Identity conflict",
                                    "The identities given belong to two different subjects."));
        } catch (io.lethe.requests.RequestRefusedException e) {
            throw IdentityProblems.refused(e.getMessage(), e.fields(), principal.role());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("requestId", r.id());
        result.put("status", r.status().wire());
        result.put("dueAt", r.dueAt().toString());
        responses.json(exchange, 202, result);
    }

    /** The corrected fields of a rectification: e-mail and phone in normal form, names as given. */
    private static Map<String, String> changes(JsonNode node, FieldErrors errors) {
        Map<String, String> changes = new LinkedHashMap<>();
        if (node == null || !node.isObject() || node.isEmpty()) {
            errors.add("changes", "a rectification names at least one of email, firstName, lastName, phone");
            return changes;
        }
        errors.rejectUnknown(node, "changes.", CHANGE_FIELDS);
        for (String field : List.of("email", "firstName", "lastName", "phone")) {
            String value = errors.text(node, field, "changes.", false, field.equals("email") ? 320 : 100);
            if (value == null) {
                continue;
            }
            if (field.equals("email") || field.equals("phone")) {
                IdentityKind kind = field.equals("email") ? IdentityKind.EMAIL : IdentityKind.PHONE;
                kind.normalise(value).ifPresentOrElse(v -> changes.put(field, v),
                        () -> errors.add("changes." + field, "is not valid"));
            } else {
                changes.put(field, value.strip());
            }
        }
        return changes;
    }

    public void get(Exchange exchange) {
        responses.json(exchange, 200, render(load(exchange)));
    }

    public void extend(Exchange exchange) {
        DataSubjectRequest r = load(exchange);
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", Set.of("reason", "months"));
        String reason = errors.text(body, "reason", "", true, 1000);
        int months = 2;
        if (body.has("months")) {
            JsonNode m = body.get("months");
            if (r.regulation() != Regulation.GDPR) {
                errors.add("months", "only GDPR extensions take months (CCPA adds 45 days)");
            } else if (!m.isInt() || m.asInt() < 1 || m.asInt() > 2) {
                errors.add("months", "must be 1 or 2");
            } else {
                months = m.asInt();
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        try {
            responses.json(exchange, 200, render(requests.extend(r.id(), months, reason)));
        } catch (IllegalStateException e) {
            throw new ApiProblem(409, "Conflict", "The request cannot be extended: " + e.getMessage() + ".");
        }
    }

    /** {@code GET /requests/{id}/export}: the access package, once the access request is completed. */
    public void export(Exchange exchange) {
        DataSubjectRequest r = load(exchange);
        if (r.type() != RequestType.ACCESS) {
            throw new ApiProblem(409, "Conflict", "Only access requests have an export.");
        }
        if (r.status() != io.lethe.requests.RequestStatus.COMPLETED) {
            throw new ApiProblem(409, "Conflict", "The export is not ready: the request is " + r.status() + ".");
        }
        var exported = requests.exportPackage(r);
        Principal principal = exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
        // The package is the person's data: who fetched it is on the access log compliance reads.
        accessLog.record(principal.keyName(), principal.role().wire(), r.subjectId(),
                "access package of request " + r.id() + " fetched through the API");
        responses.json(exchange, 200, exported);
    }

    public void cancel(Exchange exchange) {
        DataSubjectRequest r = load(exchange);
        try {
            responses.json(exchange, 200, render(requests.cancel(r.id())));
        } catch (IllegalStateException e) {
            throw new ApiProblem(409, "Conflict", "The request cannot be cancelled: " + e.getMessage() + ".");
        }
    }

    /**
     * {@code GET /verify/{token}}: opened by the person from the e-mail, or by a mail scanner or prefetcher following
     * the link, so it changes nothing: it answers a page whose button POSTs the token back.
     */
    public void verifyPage(Exchange exchange) {
        String token = exchange.getMessage().getHeader("token", String.class);
        boolean open = token != null && TOKEN.matcher(token).matches() && requests.isOpenLink(token);
        VerifyPage.write(exchange.getMessage(), open ? 200 : 404, open ? VerifyPage.confirm(token) : VerifyPage.INVALID);
    }

    /** {@code POST /verify/{token}}: the person pressed the button; the link is used (once). */
    public void verify(Exchange exchange) {
        String token = exchange.getMessage().getHeader("token", String.class);
        RequestService.Confirmation outcome = token != null && TOKEN.matcher(token).matches() ? requests.verify(token)
                : RequestService.Confirmation.INVALID;
        switch (outcome) {
            case STARTED -> VerifyPage.write(exchange.getMessage(), 200, VerifyPage.STARTED);
            case RECORDED -> VerifyPage.write(exchange.getMessage(), 200, VerifyPage.RECORDED);
            default -> VerifyPage.write(exchange.getMessage(), 404, VerifyPage.INVALID);
        }
    }

    private DataSubjectRequest load(Exchange exchange) {
        String id = exchange.getMessage().getHeader("requestId", String.class);
        if (id == null || !REQUEST_ID.matcher(id).matches()) {
            throw ApiProblem.notFound("No request has that requestId.");
        }
        return requests.find(id).orElseThrow(() -> ApiProblem.notFound("No request has that requestId."));
    }

    static Map<String, Object> render(DataSubjectRequest r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", r.id());
        m.put("type", r.type().wire());
        m.put("regulation", r.regulation().wire());
        m.put("status", r.status().wire());
        m.put("subjectId", r.subjectId());
        m.put("receivedAt", r.receivedAt().toString());
        m.put("dueAt", r.dueAt().toString());
        m.put("extended", r.extendedAt() != null);
        if (r.extendedAt() != null) {
            m.put("extensionReason", r.extensionReason());
        }
        if (!r.purposes().isEmpty()) {
            m.put("purposes", r.purposes());
        }
        List<Map<String, Object>> vendors = r.vendors().stream().map(v -> {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("vendor", v.vendor());
            vm.put("status", v.status());
            vm.put("updatedAt", v.updatedAt().toString());
            vm.put("detail", v.detail());
            return vm;
        }).toList();
        m.put("vendors", vendors);
        return m;
    }
}
