package io.lethe.api;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.register.IdentityKind;
import io.lethe.register.IdentityLinks;
import org.apache.camel.Exchange;

/**
 * {@code POST /api/v1/subjects/{subjectId}/identities} (admin): links one further identity to a subject, the only way
 * identities join an existing subject. Audited; an identity of another subject is refused, never moved.
 */
public final class SubjectIdentitiesApi {

    private final IdentityLinks links;
    private final Json json;
    private final Responses responses;

    public SubjectIdentitiesApi(IdentityLinks links, Json json, Responses responses) {
        this.links = links;
        this.json = json;
        this.responses = responses;
    }

    public void link(Exchange exchange) {
        String subjectId = SubjectApi.subjectId(exchange);
        JsonNode body = json.readObject(exchange);
        Map.Entry<IdentityKind, String> identity = ConsentRequests.singleIdentity(body);
        Principal principal = exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
        IdentityLinks.Outcome outcome = links.link(subjectId, identity.getKey(), identity.getValue(),
                principal.keyName());
        switch (outcome) {
            case NO_SUCH_SUBJECT -> throw ApiProblem.notFound("No subject has that subjectId (or it was erased).");
            case BELONGS_TO_ANOTHER_SUBJECT -> throw new ApiProblem(409, "Identity conflict", "That identity belongs"
                    + " to another subject; it is never moved. Erase or rectify that subject first.",
                    java.util.List.of(new ApiProblem.FieldError(identity.getKey().field(), "belongs to another subject")));
            default -> {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("subjectId", subjectId);
                result.put("kind", identity.getKey().field());
                result.put("linked", outcome == IdentityLinks.Outcome.LINKED);
                responses.json(exchange, outcome == IdentityLinks.Outcome.LINKED ? 201 : 200, result);
            }
        }
    }
}
