package io.lethe.demo.sandbox;

import static io.lethe.demo.sandbox.SandboxCalls.call;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The GA4 fake's upsert: a token from its own endpoint, one id, the property, the daily quota. */
class Ga4BehaviourTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyPair KEY = Ga4Behaviour.generateKeyPair();
    private static final String UPSERT = "/analytics/v3/userDeletion/userDeletionRequests:upsert";
    private Ga4Behaviour ga4;
    private SandboxServer server;

    @BeforeEach
    void start() {
        ga4 = new Ga4Behaviour(KEY.getPublic(), "sa@p.iam.gserviceaccount.com", "42", Clock.systemUTC(), 2);
        server = SandboxServer.start(ga4);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String token() throws Exception {
        return new io.lethe.connectors.engine.auth.OAuth2JwtSigner(writeKey(), Ga4Behaviour.SCOPE)
                .sign(new io.lethe.connectors.engine.VendorCall("ga4", "erase", "POST", server.baseUrl() + UPSERT,
                        java.util.Map.of(), "")).headers().get("Authorization");
    }

    private java.nio.file.Path writeKey() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("sa", ".json");
        file.toFile().deleteOnExit();
        java.nio.file.Files.writeString(file, Ga4Behaviour.serviceAccountKeyJson(KEY, "sa@p.iam.gserviceaccount.com",
                server.baseUrl() + "/token"));
        return file;
    }

    private HttpResponse<String> upsert(String auth, String body) {
        return call(server, "POST", UPSERT, body, "Authorization", auth, "Content-Type", "application/json");
    }

    private static String request(String userId, String property) {
        return "{\"kind\":\"analytics#userDeletionRequest\",\"id\":{\"type\":\"USER_ID\",\"userId\":\"" + userId
                + "\"},\"propertyId\":\"" + property + "\"}";
    }

    @Test
    void acceptsOneIdForItsPropertyUntilTheDailyQuota() throws Exception {
        String auth = token();
        HttpResponse<String> ok = upsert(auth, request("crm-1", "42"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("deletionRequestTime").asText()).isNotEmpty();
        assertThat(upsert(auth, request("crm-2", "42")).statusCode()).isEqualTo(200);
        Thread.sleep(1_400); // 1.5 requests a second
        HttpResponse<String> over = upsert(auth, request("crm-3", "42"));
        assertThat(over.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(over.body()).at("/error/errors/0/reason").asText()).isEqualTo("dailyLimitExceeded");
    }

    @Test
    void refusesWhatGoogleRefuses() throws Exception {
        String auth = token();
        assertThat(upsert(auth, request("crm-1", "43")).statusCode()).isEqualTo(403);
        assertThat(upsert(auth, "{\"id\":{\"type\":\"EMAIL\",\"userId\":\"x\"},\"propertyId\":\"42\"}").statusCode())
                .isEqualTo(400);
        assertThat(upsert(auth, "{\"id\":{\"type\":\"USER_ID\"},\"propertyId\":\"42\"}").statusCode()).isEqualTo(400);
        assertThat(upsert("Bearer ya29.made-up", request("crm-1", "42")).statusCode()).isEqualTo(401);
        assertThat(call(server, "POST", "/token", "grant_type=client_credentials", "Content-Type",
                "application/x-www-form-urlencoded").statusCode()).isEqualTo(400);
        assertThat(call(server, "POST", "/token", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
                + "&assertion=a.b.c", "Content-Type", "application/x-www-form-urlencoded").body()).contains("invalid_grant");
    }
}
