package io.lethe.api;

import java.nio.file.Files;
import java.sql.ResultSet;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key management through the API on a hub started like a first install: no LETHE_API_KEYS, only the initial admin
 * key. Admins list, create and revoke keys; the initial key can be revoked once another admin exists.
 */
class ApiKeysAdminH2Test extends HubTestSupport {

    static final String INITIAL = "lethe_initial-admin-key-of-this-test-0123456789";

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        try {
            Files.writeString(dataDir.resolve(InitialAdminKey.FILE_NAME), ApiKeys.sha256Hex(INITIAL) + "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Properties p = new Properties();
        p.put("lethe.api-keys", "");
        return p;
    }

    @Test
    void an_admin_creates_and_revokes_keys_and_the_initial_key_goes_once_another_admin_exists() throws Exception {
        JsonNode first = api.get("/api/v1/api-keys", INITIAL).json().path("keys");
        assertThat(first.findValuesAsText("name")).containsExactly("initial-admin");
        assertThat(first.get(0).path("source").asText()).isEqualTo("initial");
        Response lastAdmin = api.send("DELETE", "/api/v1/api-keys/initial-admin", INITIAL, null, null);
        assertThat(lastAdmin.status()).isEqualTo(409);
        assertThat(lastAdmin.body()).contains("last admin key");

        Response created = api.post("/api/v1/api-keys", INITIAL, "{\"name\":\"ops-admin\",\"role\":\"admin\"}");
        assertThat(created.status()).isEqualTo(201);
        String opsKey = created.json().path("key").asText();
        assertThat(opsKey).startsWith("lethe_").hasSizeGreaterThan(40);
        String intakeKey = api.post("/api/v1/api-keys", opsKey, "{\"name\":\"web-form\",\"role\":\"intake\"}").json()
                .path("key").asText();
        assertThat(api.post("/api/v1/api-keys", opsKey, "{\"name\":\"web-form\",\"role\":\"marketer\"}").status())
                .isEqualTo(409);
        assertThat(api.post("/api/v1/api-keys", opsKey, "{\"name\":\"initial-admin\",\"role\":\"admin\"}").status())
                .isEqualTo(409);
        Response invalid = api.post("/api/v1/api-keys", opsKey, "{\"name\":\"has space\",\"role\":\"root\",\"x\":1}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("errors").findValuesAsText("field")).containsExactlyInAnyOrder("x", "name", "role");

        // Stored hashed, never the key; the intake key works for its own role only.
        try (var c = database.connect(); var s = c.createStatement();
                ResultSet rs = s.executeQuery("select key_hash, last_used_at from api_key where name = 'ops-admin'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(ApiKeys.sha256Hex(opsKey));
            assertThat(rs.getObject(2)).as("last use written").isNotNull();
        }
        assertThat(api.post("/api/v1/consents", intakeKey, "{\"subject\":{\"email\":\"created.key.person.one@example-customer.com\"},"
                + "\"purpose\":\"email_marketing\",\"status\":\"granted\"}").status()).isEqualTo(201);
        assertThat(api.get("/api/v1/api-keys", intakeKey).status()).isEqualTo(403);
        JsonNode listed = api.get("/api/v1/api-keys", opsKey).json().path("keys");
        assertThat(listed.findValuesAsText("name")).containsExactly("initial-admin", "ops-admin", "web-form");
        assertThat(listed.get(2).path("lastUsedAt").isNull()).isFalse();
        assertThat(listed.toString()).doesNotContain(opsKey).doesNotContain(intakeKey)
                .doesNotContain(ApiKeys.sha256Hex(opsKey));

        assertThat(api.send("DELETE", "/api/v1/api-keys/initial-admin", opsKey, null, null).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/api-keys", INITIAL).status()).isEqualTo(401);
        assertThat(Files.readString(dataDir.resolve(InitialAdminKey.FILE_NAME))).startsWith("revoked");
        assertThat(api.send("DELETE", "/api/v1/api-keys/ops-admin", opsKey, null, null).status()).isEqualTo(409);
        assertThat(api.send("DELETE", "/api/v1/api-keys/web-form", opsKey, null, null).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/openapi.json", intakeKey).status()).isEqualTo(401);
        assertThat(api.send("DELETE", "/api/v1/api-keys/nobody", opsKey, null, null).status()).isEqualTo(404);

        // A new key under a revoked key's name never replays the old key's answers.
        String oldForm = api.post("/api/v1/api-keys", opsKey, "{\"name\":\"shop-form\",\"role\":\"intake\"}").json()
                .path("key").asText();
        String withdrawal = "{\"subject\":{\"email\":\"replayed.person@example-shop.example\"},"
                + "\"purpose\":\"email_marketing\",\"status\":\"withdrawn\"}";
        Response original = api.send("POST", "/api/v1/consents", oldForm, "application/json", withdrawal,
                "Idempotency-Key", "form-submission-1");
        assertThat(original.status()).isEqualTo(201);
        assertThat(api.send("DELETE", "/api/v1/api-keys/shop-form", opsKey, null, null).status()).isEqualTo(204);
        String newForm = api.post("/api/v1/api-keys", opsKey, "{\"name\":\"shop-form\",\"role\":\"intake\"}").json()
                .path("key").asText();
        Response again = api.send("POST", "/api/v1/consents", newForm, "application/json", withdrawal,
                "Idempotency-Key", "form-submission-1");
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().path("eventId").asText()).isNotEqualTo(original.json().path("eventId").asText());
    }
}
