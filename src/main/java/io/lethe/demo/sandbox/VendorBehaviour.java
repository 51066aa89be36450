package io.lethe.demo.sandbox;

import java.util.Map;

/**
 * How one vendor's API behaves, as strictly as the vendor: its paths, auth scheme, content types, required fields,
 * batch maxima, rate limits, error bodies and async job states. The same behaviour answers the {@code demo}'s
 * sandboxes (hosted by {@link SandboxServer}) and the tests' fakes, so there is one set of vendor behaviours.
 * Implementations keep their state in memory and must be thread-safe.
 */
public interface VendorBehaviour {

    /** The connector id this behaves like ({@code hubspot}, {@code klaviyo}, ...). */
    String vendor();

    /** Answers one request exactly as the vendor would, including refusals. */
    SandboxResponse handle(SandboxRequest request);

    /** Adds a person the vendor holds (subscribed to marketing e-mail); {@code externalId} may be null. */
    void seed(String email, String externalId);

    /** What the vendor now holds, for {@code GET /_sandbox/state} and for tests' assertions. */
    Map<String, Object> state();

    /**
     * The hub's settings for talking to this sandbox at {@code baseUrl} ({@code lethe.<id>.base-url} and the
     * credentials the behaviour accepts), as the demo and the connector contract test configure the hub.
     */
    default Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe." + vendor() + ".base-url", baseUrl);
    }

    /** Moves the vendor's asynchronous jobs on to their end (tests and the demo; a no-op for synchronous vendors). */
    default void completeJobs() {
    }
}
