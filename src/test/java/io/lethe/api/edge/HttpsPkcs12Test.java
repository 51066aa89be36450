package io.lethe.api.edge;

import java.nio.file.Path;
import java.util.Properties;

/** HTTPS from a PKCS#12 keystore: LETHE_TLS_KEYSTORE and LETHE_TLS_KEYSTORE_PASSWORD. */
class HttpsPkcs12Test extends HttpsTestSupport {

    @Override
    Properties tlsProperties(Path keystore, Path dir) {
        Properties p = new Properties();
        p.put("lethe.tls.keystore", keystore.toString());
        p.put("lethe.tls.keystore-password", PASSWORD);
        return p;
    }
}
