package io.lethe.demo.sandbox;

import java.util.Map;

/**
 * Implemented by a behaviour that knows the hub settings pointing its connector at it: parameter names of the
 * connector file in kebab case ({@code base-url}, {@code token}), read as {@code lethe.<vendor>.<name>}. The demo
 * applies them for every sandbox it starts; tests may too.
 */
public interface ConnectorSettings {

    /** The connector's settings when this behaviour is hosted at {@code baseUrl} (a SandboxServer's). */
    Map<String, String> settings(String baseUrl);
}
