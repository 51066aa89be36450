package io.lethe.config;

import java.util.Map;
import java.util.Set;

import io.lethe.connectors.engine.ConnectorEngine;
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
        return Map.of();
    }

    static Set<String> names() {
        return hooks().keySet();
    }

    static Signers signers() {
        // Standard Webhooks (in-house systems): the secret is the resolved {{secret}} parameter, whsec_<base64>.
        return new Signers().register("standard-webhooks", auth -> new StandardWebhooksSigner(auth.get("secret")));
    }
}
