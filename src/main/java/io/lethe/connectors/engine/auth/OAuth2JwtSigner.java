package io.lethe.connectors.engine.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.api.client.http.HttpResponseException;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.lethe.connectors.VendorException;
import io.lethe.connectors.engine.VendorCall;

/**
 * {@code auth: {type: oauth2-jwt, keyFile, scope}}: Google's service-account grant. google-auth-library signs the JWT
 * assertion with the key file's private key, exchanges it at the key file's {@code token_uri} (JWT bearer grant,
 * RFC 7523), caches the access token and refreshes it before it expires, so most calls make no token request. Each
 * call gets {@code Authorization: Bearer <access token>}. Neither the key nor the token is ever logged.
 */
public final class OAuth2JwtSigner implements CallSigner {

    private final GoogleCredentials credentials;

    public OAuth2JwtSigner(Path keyFile, String scope) {
        try (InputStream in = Files.newInputStream(keyFile)) {
            // the library's own retries are off: the engine's per-call redelivery (with its backoff and its sync-log
            // entries) is the one retry policy, and a failure reaches it at once
            credentials = ServiceAccountCredentials.fromStream(in).toBuilder().setDefaultRetriesEnabled(false).build()
                    .createScoped(List.of(scope));
        } catch (IOException e) {
            // the message names the file only: the library's parse errors never quote the key
            throw new UncheckedIOException("cannot read the service-account key file " + keyFile, e);
        }
    }

    @Override
    public VendorCall sign(VendorCall call) {
        Map<String, List<String>> metadata;
        try {
            metadata = credentials.getRequestMetadata(URI.create(call.url()));
        } catch (IOException e) {
            Integer status = refusal(e);
            if (status != null && status >= 400 && status < 500 && status != 408 && status != 429) {
                // invalid_grant / invalid_scope: the key or its grant is wrong, no retry can fix it
                throw new VendorException.Permanent("the OAuth2 token endpoint refused the service-account key (HTTP "
                        + status + ")", status);
            }
            throw new VendorException.Transient("the OAuth2 token endpoint did not issue an access token ("
                    + (status == null ? e.getClass().getSimpleName() : "HTTP " + status) + ")", status, null, null);
        }
        Map<String, String> headers = new LinkedHashMap<>(call.headers());
        headers.keySet().removeIf(k -> k.equalsIgnoreCase("Authorization"));
        headers.put("Authorization", metadata.get("Authorization").get(0));
        return new VendorCall(call.connectorId(), call.operation(), call.method(), call.url(), headers, call.body());
    }

    /** The token endpoint's HTTP status, when it answered at all. */
    private static Integer refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpResponseException h) {
                return h.getStatusCode();
            }
        }
        return null;
    }
}
