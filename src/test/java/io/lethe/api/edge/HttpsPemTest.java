package io.lethe.api.edge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Properties;

/** HTTPS from PEM files (certificate, PKCS#8 private key): LETHE_TLS_CERT and LETHE_TLS_KEY. */
class HttpsPemTest extends HttpsTestSupport {

    @Override
    Properties tlsProperties(Path keystore, Path dir) throws Exception {
        KeyStore store = loadKeystore();
        Path cert = dir.resolve("hub.crt");
        Path key = dir.resolve("hub.key");
        Files.writeString(cert, pem("CERTIFICATE", store.getCertificate("hub").getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", store.getKey("hub", PASSWORD.toCharArray()).getEncoded()));
        Properties p = new Properties();
        p.put("lethe.tls.cert", cert.toString());
        p.put("lethe.tls.key", key.toString());
        return p;
    }
}
