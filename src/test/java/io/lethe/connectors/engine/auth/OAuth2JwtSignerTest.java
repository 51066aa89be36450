package io.lethe.connectors.engine.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Map;

import io.lethe.connectors.VendorException;
import io.lethe.connectors.engine.VendorCall;
import io.lethe.demo.sandbox.Ga4Behaviour;
import io.lethe.demo.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GA4 signer against the GA4 sandbox, which checks the JWT assertion against the test key's public half. */
class OAuth2JwtSignerTest {

    private static final String UPSERT = "/analytics/v3/userDeletion/userDeletionRequests:upsert";
    private static final String EMAIL = "lethe-test@lethe-test.iam.gserviceaccount.com";

    @TempDir
    Path dir;
    private static final KeyPair KEY = Ga4Behaviour.generateKeyPair();
    private static final KeyPair STRANGER = Ga4Behaviour.generateKeyPair();
    private final KeyPair key = KEY;
    private SandboxServer ga4;

    @BeforeEach
    void start() {
        ga4 = SandboxServer.start(new Ga4Behaviour(key.getPublic(), EMAIL, "987654321", Clock.systemUTC(), 500));
    }

    @AfterEach
    void stop() {
        ga4.close();
    }

    private Path keyFile(KeyPair pair, String email) throws Exception {
        Path file = dir.resolve("sa-" + System.nanoTime() + ".json");
        Files.writeString(file, Ga4Behaviour.serviceAccountKeyJson(pair, email, ga4.baseUrl() + "/token"));
        return file;
    }

    private VendorCall upsert(String userId) {
        return new VendorCall("ga4", "erase", "POST", ga4.baseUrl() + UPSERT,
                Map.of("Content-Type", "application/json"), "{\"kind\":\"analytics#userDeletionRequest\","
                        + "\"id\":{\"type\":\"USER_ID\",\"userId\":\"" + userId + "\"},\"propertyId\":\"987654321\"}");
    }

    private static int send(VendorCall call) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(call.url()))
                .POST(HttpRequest.BodyPublishers.ofString(call.body()));
        call.headers().forEach(b::header);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void signsWithATokenFromTheKeysTokenUriAndReusesIt() throws Exception {
        OAuth2JwtSigner signer = new OAuth2JwtSigner(keyFile(key, EMAIL), Ga4Behaviour.SCOPE);
        VendorCall first = signer.sign(upsert("crm-000123"));
        assertThat(first.headers().get("Authorization")).startsWith("Bearer ya29.sandbox-");
        assertThat(first.headers()).containsEntry("Content-Type", "application/json");
        assertThat(send(first)).isEqualTo(200);
        VendorCall second = signer.sign(upsert("crm-000124"));
        assertThat(send(second)).isEqualTo(200);
        assertThat(second.headers().get("Authorization")).isEqualTo(first.headers().get("Authorization"));
        assertThat(((Ga4Behaviour) ga4.behaviour()).tokensIssued()).isEqualTo(1);
        assertThat(((Ga4Behaviour) ga4.behaviour()).deletionRequested()).containsExactlyInAnyOrder("crm-000123", "crm-000124");
    }

    @Test
    void aKeyTheVendorDoesNotTrustIsRefusedForGood() throws Exception {
        OAuth2JwtSigner signer = new OAuth2JwtSigner(keyFile(STRANGER, EMAIL), Ga4Behaviour.SCOPE);
        assertThatThrownBy(() -> signer.sign(upsert("crm-1"))).isInstanceOf(VendorException.Permanent.class)
                .hasMessageContaining("HTTP 400");
    }

    @Test
    void theWrongScopeIsRefused() throws Exception {
        OAuth2JwtSigner signer = new OAuth2JwtSigner(keyFile(key, EMAIL), "https://www.googleapis.com/auth/analytics.readonly");
        assertThatThrownBy(() -> signer.sign(upsert("crm-1"))).isInstanceOf(VendorException.Permanent.class);
    }

    @Test
    void anUnsignedCallIsRefusedByTheVendor() throws Exception {
        assertThat(send(upsert("crm-1"))).isEqualTo(401);
        assertThat(send(new VendorCall("ga4", "erase", "POST", ga4.baseUrl() + UPSERT,
                Map.of("Content-Type", "application/json", "Authorization", "Bearer ya29.forged"), upsert("x").body())))
                .isEqualTo(401);
    }

    @Test
    void anUnreachableTokenEndpointIsWorthARetry() throws Exception {
        Path file = keyFile(key, EMAIL);
        ga4.close();
        OAuth2JwtSigner signer = new OAuth2JwtSigner(file, Ga4Behaviour.SCOPE);
        assertThatThrownBy(() -> signer.sign(upsert("crm-1"))).isInstanceOf(VendorException.Transient.class);
    }
}
