package io.lethe.connectors.engine.auth;

import io.lethe.connectors.engine.VendorCall;

/**
 * What a connector file's {@code client.auth} does to each call: adds the vendor's credential headers (bearer, basic,
 * API-key header, an OAuth2 access token, a Standard Webhooks signature of the body). Implementations are chosen by
 * {@code auth.type} and must be thread-safe; they never log a credential.
 */
public interface CallSigner {

    /** The call with its credential headers added. */
    VendorCall sign(VendorCall call);
}
