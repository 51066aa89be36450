package io.lethe.api.edge;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hub serves HTTPS on its port when given key material; a self-signed certificate for localhost is made with
 * the JDK's keytool for each test class.
 */
abstract class HttpsTestSupport extends HubTestSupport {

    static final String PASSWORD = "test-keystore-password";
    Path keystore;

    /** The LETHE_TLS_* settings under test. */
    abstract Properties tlsProperties(Path keystore, Path dir) throws Exception;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        try {
            Path dir = Files.createTempDirectory("lethe-tls-");
            keystore = dir.resolve("hub.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "hub", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                    "-keypass", PASSWORD, "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1")
                    .redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            assertThat(keytool.waitFor()).as(output).isZero();
            return tlsProperties(keystore, dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    KeyStore loadKeystore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private HttpClient trustingClient() throws Exception {
        Certificate cert = loadKeystore().getCertificate("hub");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("hub", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void the_api_port_speaks_tls_with_the_configured_certificate() throws Exception {
        HttpResponse<String> health = trustingClient().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

        HttpResponse<String> api = trustingClient().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/api/v1/connectors"))
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(200);
        assertThat(api.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void plain_http_gets_no_answer_and_an_untrusted_client_no_session() {
        assertThatThrownBy(() -> api.get("/observe/health", null)).isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }
}
