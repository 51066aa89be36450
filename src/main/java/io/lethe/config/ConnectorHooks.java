package io.lethe.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import io.lethe.connectors.engine.ConnectorEngine;
import io.lethe.connectors.engine.auth.OAuth2JwtSigner;
import io.lethe.connectors.hooks.SalesforceIndividualFlags;
import io.lethe.connectors.engine.auth.Signers;
import io.lethe.connectors.engine.auth.StandardWebhooksSigner;

/**
 * The Java that connector files may name: request-body hooks ({@code hook:}) and the signers of auth types that need
 * a library or a key. Everything else about a vendor is in its file.
 */
final class ConnectorHooks {

    private ConnectorHooks() {
    }

    static Map<String, ConnectorEngine.Hook> hooks() {
        return Map.of(SalesforceIndividualFlags.NAME, new SalesforceIndividualFlags());
    }

    static Set<String> names() {
        return hooks().keySet();
    }

    static Signers signers() {
        // camel-salesforce's component (SalesforceTransport.register) holds the session and signs every call itself
        return new Signers().register("salesforce-session", auth -> call -> call)
                // Standard Webhooks (in-house systems): the secret is the resolved {{secret}} parameter, whsec_<base64>.
                .register("standard-webhooks", auth -> new StandardWebhooksSigner(auth.get("secret")))
                .register("oauth2-jwt", auth -> new OAuth2JwtSigner(Path.of(auth.get("keyFile")), auth.get("scope")));
    }
}
