package io.lethe.api.edge;

import java.time.Duration;

/**
 * How the hub's HTTP edge treats connections: how long it waits for a request and for silent connections, the body
 * limit of paths that declare none, and the optional TLS key material.
 */
public record EdgeSettings(Duration idleTimeout, Duration readTimeout, long defaultBodyLimit, Tls tls) {

    public EdgeSettings {
        if (idleTimeout.isNegative() || idleTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("HTTP idle and read timeouts must be positive");
        }
    }

    /**
     * TLS on the API port: a PEM certificate chain and private key, or a PKCS#12 keystore with its password. All
     * blank: plain HTTP.
     */
    public record Tls(String certPem, String keyPem, String keystore, String keystorePassword) {

        public static Tls of(String certPem, String keyPem, String keystore, String keystorePassword) {
            Tls tls = new Tls(blankToNull(certPem), blankToNull(keyPem), blankToNull(keystore),
                    keystorePassword == null ? "" : keystorePassword);
            if ((tls.certPem == null) != (tls.keyPem == null)) {
                throw new IllegalArgumentException("LETHE_TLS_CERT and LETHE_TLS_KEY must be set together");
            }
            if (tls.certPem != null && tls.keystore != null) {
                throw new IllegalArgumentException("Set either LETHE_TLS_CERT + LETHE_TLS_KEY (PEM) or"
                        + " LETHE_TLS_KEYSTORE (PKCS#12), not both");
            }
            return tls;
        }

        public boolean enabled() {
            return certPem != null || keystore != null;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
