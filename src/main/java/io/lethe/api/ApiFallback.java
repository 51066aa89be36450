package io.lethe.api;

import org.apache.camel.Exchange;

/**
 * Answers API requests that no flow handles. The guard has already authenticated and authorised them (or refused
 * them with 404/405), so what reaches here is a contract operation whose behaviour this version does not have yet.
 */
public final class ApiFallback {

    public void notImplemented(Exchange exchange) {
        AccessPolicy.Operation operation = exchange.getProperty(ApiGuard.OPERATION, AccessPolicy.Operation.class);
        throw new ApiProblem(501, "Not implemented", "Operation " + operation.operationId()
                + " is part of the API contract but not available in this version of Lethe.");
    }
}
