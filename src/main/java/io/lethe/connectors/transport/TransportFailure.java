package io.lethe.connectors.transport;

import java.io.IOException;

/**
 * A call that got no answer (connection refused or reset, timeout): transient. Its message names the kind of failure
 * only, never the call's URI or body (they may hold personal data).
 */
public final class TransportFailure extends IOException {

    public TransportFailure(String message) {
        super(message);
    }
}
