package io.lethe.api;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

/**
 * {@code GET/POST /api/v1/api-keys} and {@code DELETE /api/v1/api-keys/{name}} (admin only): list every key with its
 * source and last use, create a key (returned once, stored hashed), revoke one. Keys of {@code LETHE_API_KEYS} are
 * listed but changed only there; the last admin key cannot be revoked.
 */
public final class ApiKeysApi {

    private static final Set<String> CREATE_FIELDS = Set.of("name", "role");

    private final ApiKeys keys;
    private final Json json;
    private final Responses responses;

    private java.util.function.Consumer<String> onRevoked = name -> { };

    /** Told the name of each key revoked (the idempotency store forgets its answers). */
    public void setOnRevoked(java.util.function.Consumer<String> onRevoked) {
        this.onRevoked = onRevoked;
    }

    public ApiKeysApi(ApiKeys keys, Json json, Responses responses) {
        this.keys = keys;
        this.json = json;
        this.responses = responses;
    }

    public void list(Exchange exchange) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ApiKeys.KeyInfo k : keys.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", k.name());
            m.put("role", k.role().wire());
            m.put("source", k.source().wire());
            m.put("createdAt", k.createdAt() == null ? null : k.createdAt().toString());
            m.put("lastUsedAt", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
            out.add(m);
        }
        responses.json(exchange, 200, Map.of("keys", out));
    }

    public void create(Exchange exchange) {
        JsonNode body = json.readObject(exchange);
        FieldErrors errors = new FieldErrors();
        errors.rejectUnknown(body, "", CREATE_FIELDS);
        String name = errors.text(body, "name", "", true, 64);
        if (name != null && !ApiKeys.isValidName(name)) {
            errors.add("name", "must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        String roleText = errors.text(body, "role", "", true, 16);
        Role role = roleText == null ? null : Role.ofWire(roleText).orElse(null);
        if (roleText != null && role == null) {
            errors.add("role", "must be one of admin, intake, marketer, compliance");
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors.list());
        }
        Principal creator = exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class);
        String key = keys.create(name, role, creator.keyName()).orElseThrow(() -> new ApiProblem(409, "Conflict",
                "An API key with this name exists already."));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("role", role.wire());
        out.put("key", key);
        responses.json(exchange, 201, out);
    }

    public void revoke(Exchange exchange) throws IOException {
        String path = ApiGuard.requestPath(exchange.getMessage());
        String name = URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
        switch (keys.revoke(name)) {
            case REVOKED -> {
                onRevoked.accept(name);
                var message = exchange.getMessage();
                Responses.clearInboundHeaders(message);
                message.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
                message.setBody(null);
            }
            case NOT_FOUND -> throw ApiProblem.notFound("There is no API key of that name.");
            case LAST_ADMIN -> throw new ApiProblem(409, "Conflict",
                    "This is the last admin key; create another admin key before revoking it.");
            case CONFIGURED -> throw new ApiProblem(409, "Conflict",
                    "This key is configured in LETHE_API_KEYS; remove it there and restart the hub.");
        }
    }
}
