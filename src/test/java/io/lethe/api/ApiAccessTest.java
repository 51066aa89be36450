package io.lethe.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract's role table, enforced for every operation before any flow runs. */
class ApiAccessTest extends HubTestSupport {

    private static final String ANY_ID = "00000000-0000-4000-8000-000000000000";

    /** The table of contract §3, written out here independently of the OpenAPI document the hub enforces. */
    static Stream<Arguments> contractTable() {
        return Stream.of(
                Arguments.of("POST", "/api/v1/consents", Set.of("admin", "intake", "marketer")),
                Arguments.of("POST", "/api/v1/consents/batch", Set.of("admin", "intake")),
                Arguments.of("POST", "/api/v1/subjects/lookup", Set.of("admin", "marketer", "compliance")),
                Arguments.of("GET", "/api/v1/subjects/" + ANY_ID + "/consents", Set.of("admin", "marketer", "compliance")),
                Arguments.of("GET", "/api/v1/subjects/" + ANY_ID + "/consents/history", Set.of("admin", "compliance")),
                Arguments.of("GET", "/api/v1/subjects/" + ANY_ID + "/vendors", Set.of("admin", "compliance")),
                Arguments.of("POST", "/api/v1/requests", Set.of("admin", "intake")),
                Arguments.of("GET", "/api/v1/requests/r-1", Set.of("admin", "compliance")),
                Arguments.of("GET", "/api/v1/requests/r-1/export", Set.of("admin")),
                Arguments.of("GET", "/api/v1/sync-log", Set.of("admin", "compliance")),
                Arguments.of("GET", "/api/v1/audit/verify", Set.of("admin", "compliance")),
                Arguments.of("POST", "/api/v1/audit/verify", Set.of("admin", "compliance")),
                Arguments.of("GET", "/api/v1/audit/checkpoint", Set.of("admin", "compliance")),
                Arguments.of("GET", "/api/v1/api-keys", Set.of("admin")),
                Arguments.of("POST", "/api/v1/api-keys", Set.of("admin")),
                Arguments.of("DELETE", "/api/v1/api-keys/nobody", Set.of("admin")),
                Arguments.of("GET", "/api/v1/connectors", Set.of("admin", "compliance")),
                Arguments.of("POST", "/api/v1/connectors/hubspot/reconcile?dryRun=true", Set.of("admin")),
                Arguments.of("GET", "/api/v1/reconcile-runs/run-1", Set.of("admin", "compliance")),
                // Proof for a regulator (README): evidence bundles and the key that checks them
                Arguments.of("GET", "/api/v1/subjects/" + ANY_ID + "/evidence", Set.of("admin", "compliance")),
                Arguments.of("GET", "/api/v1/requests/r-1/evidence", Set.of("admin", "compliance")),
                Arguments.of("GET", "/api/v1/signing-keys", Set.of("admin", "intake", "marketer", "compliance")));
    }

    private static final Map<String, String> KEYS = Map.of("admin", ADMIN_KEY, "intake", INTAKE_KEY,
            "marketer", MARKETER_KEY, "compliance", COMPLIANCE_KEY);

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("contractTable")
    void each_role_gets_exactly_the_access_the_contract_grants(String method, String path, Set<String> allowed) {
        for (Map.Entry<String, String> key : KEYS.entrySet()) {
            Response r = api.send(method, path, key.getValue(), "application/json", method.equals("POST") ? "{}" : null);
            if (allowed.contains(key.getKey())) {
                assertThat(r.status()).as("%s as %s", path, key.getKey()).isNotIn(401, 403);
            } else {
                assertThat(r.status()).as("%s as %s", path, key.getKey()).isEqualTo(403);
                assertThat(r.contentType()).startsWith("application/problem+json");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("contractTable")
    void no_key_or_a_wrong_key_is_refused_before_anything_else(String method, String path, Set<String> allowed) {
        for (String key : new String[] {null, "wrong-key", ""}) {
            Response r = api.send(method, path, key, "application/json", method.equals("POST") ? "{}" : null);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().path("title").asText()).isEqualTo("Unauthorized");
        }
    }

    @Test
    void unknown_paths_answer_401_to_strangers_and_404_to_key_holders() {
        assertThat(api.get("/api/v1/no-such-thing", null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/no-such-thing", COMPLIANCE_KEY).status()).isEqualTo(404);
        assertThat(api.send("DELETE", "/api/v1/consents", ADMIN_KEY, null, null).status()).isEqualTo(405);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("contractTable")
    void every_operation_of_the_contract_has_a_flow(String method, String path, Set<String> allowed) {
        Response r = api.send(method, path, ADMIN_KEY, "application/json", method.equals("POST") ? "{}" : null);
        assertThat(r.status()).as(path).isNotEqualTo(501);
    }

    @Test
    void health_needs_no_key() {
        Response r = api.get("/observe/health", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void the_openapi_document_describes_every_operation_of_the_contract_table() {
        Response r = api.get("/api/v1/openapi.json", MARKETER_KEY);
        assertThat(r.status()).isEqualTo(200);
        List<String> documented = contractTable().map(a -> {
            Object[] args = a.get();
            String path = ((String) args[1]).replaceAll("\\?.*", "").replace(ANY_ID, "{subjectId}")
                    .replace("r-1", "{requestId}").replace("hubspot", "{connectorId}").replace("run-1", "{runId}")
                    .replace("api-keys/nobody", "api-keys/{name}");
            return args[0] + " " + path;
        }).toList();
        for (String op : documented) {
            String[] parts = op.split(" ");
            assertThat(r.json().path("paths").path(parts[1]).has(parts[0].toLowerCase())).as(op).isTrue();
        }
    }

    @Test
    void the_authorization_header_never_reaches_a_flow() {
        // The guard removes it; if it were echoed anywhere, the response headers or body would show it.
        Response r = api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"nobody@example.com\"}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).doesNotContain(ADMIN_KEY);
    }
}
