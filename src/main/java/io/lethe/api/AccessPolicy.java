package io.lethe.api;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who may call what, read from the OpenAPI document so the published contract and the enforced one cannot
 * drift apart. Each operation carries {@code x-lethe-roles} (empty: any valid key; absent under
 * {@code security: []}: public) and optionally {@code x-lethe-body-limit} in bytes.
 */
public final class AccessPolicy {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private final List<Operation> operations;

    private AccessPolicy(List<Operation> operations) {
        this.operations = List.copyOf(operations);
    }

    public static AccessPolicy fromOpenApi(JsonNode document, long defaultBodyLimit) {
        List<Operation> operations = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            Pattern pattern = Pattern.compile("^" + path.getKey().replaceAll("\\{[^/]+}", "[^/]+") + "$");
            Iterator<Map.Entry<String, JsonNode>> verbs = path.getValue().fields();
            while (verbs.hasNext()) {
                Map.Entry<String, JsonNode> verb = verbs.next();
                if (!METHODS.contains(verb.getKey())) {
                    continue;
                }
                JsonNode op = verb.getValue();
                boolean open = op.has("security") && op.get("security").isEmpty();
                Set<Role> roles = EnumSet.noneOf(Role.class);
                op.path("x-lethe-roles").forEach(r -> roles.add(Role.ofWire(r.asText())
                        .orElseThrow(() -> new IllegalArgumentException("unknown role in OpenAPI: " + r.asText()))));
                if (!open && !op.has("x-lethe-roles")) {
                    throw new IllegalArgumentException("OpenAPI operation " + verb.getKey() + " " + path.getKey()
                            + " declares neither x-lethe-roles nor security: []");
                }
                operations.add(new Operation(verb.getKey().toUpperCase(), path.getKey(), pattern,
                        op.path("operationId").asText(), open, roles.isEmpty() ? EnumSet.allOf(Role.class) : roles,
                        op.path("x-lethe-body-limit").asLong(defaultBodyLimit)));
            }
        }
        return new AccessPolicy(operations);
    }

    public List<Operation> operations() {
        return operations;
    }

    /** The operation a request addresses; a path known under other methods gives 405, an unknown path 404. */
    public Operation resolve(String method, String path) {
        Set<String> allowed = new TreeSet<>();
        for (Operation op : operations) {
            if (op.pattern().matcher(path).matches()) {
                if (op.method().equals(method)) {
                    return op;
                }
                allowed.add(op.method());
            }
        }
        if (!allowed.isEmpty()) {
            throw new ApiProblem(405, "Method not allowed", method + " is not supported here; use "
                    + String.join(", ", allowed) + ".");
        }
        throw ApiProblem.notFound("There is no such resource in this API.");
    }

    /** One operation of the contract. */
    public record Operation(String method, String pathTemplate, Pattern pattern, String operationId, boolean open,
            Set<Role> roles, long bodyLimit) {

        public boolean allows(Role role) {
            return roles.contains(role);
        }
    }
}
