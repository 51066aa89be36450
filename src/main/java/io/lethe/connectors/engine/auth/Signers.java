package io.lethe.connectors.engine.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import io.lethe.connectors.engine.VendorCall;

/**
 * The signer of each {@code client.auth.type}. The simple schemes live here; the ones that need a library or a key
 * (OAuth2 with a service-account key, Standard Webhooks) register a factory by type. Factories get the auth mapping
 * with the connector's parameters already filled in.
 */
public final class Signers {

    private final Map<String, Function<Map<String, String>, CallSigner>> factories = new LinkedHashMap<>();

    public Signers() {
        factories.put("none", auth -> call -> call);
        factories.put("salesforce", auth -> call -> call); // camel-salesforce signs with its own OAuth session
        factories.put("bearer", auth -> header("Authorization", "Bearer " + auth.get("token")));
        factories.put("basic", auth -> header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (auth.get("username") + ":" + auth.get("password")).getBytes(StandardCharsets.UTF_8))));
        factories.put("header", auth -> header(auth.get("name"), auth.get("value")));
    }

    /** Adds (or replaces) the factory of an auth type. */
    public Signers register(String type, Function<Map<String, String>, CallSigner> factory) {
        factories.put(type, factory);
        return this;
    }

    public boolean knows(String type) {
        return factories.containsKey(type);
    }

    public CallSigner create(Map<String, String> resolvedAuth) {
        String type = resolvedAuth.getOrDefault("type", "none");
        Function<Map<String, String>, CallSigner> factory = factories.get(type);
        if (factory == null) {
            throw new IllegalStateException("no signer for auth type " + type);
        }
        return factory.apply(resolvedAuth);
    }

    private static CallSigner header(String name, String value) {
        return call -> {
            Map<String, String> headers = new LinkedHashMap<>(call.headers());
            headers.put(name, value);
            return new VendorCall(call.connectorId(), call.operation(), call.method(), call.url(), headers, call.body());
        };
    }
}
