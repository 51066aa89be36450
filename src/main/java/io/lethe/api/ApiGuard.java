package io.lethe.api;

import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * First step of every API exchange, before any flow runs: authenticate the bearer key, find the operation, check
 * the key's role and the body size. Order matters: an unauthenticated caller learns nothing, not even which paths
 * exist, so 401 comes before 404.
 */
public final class ApiGuard implements Processor {

    public static final String PRINCIPAL = "lethe.principal";
    public static final String OPERATION = "lethe.operation";

    private final ApiKeys keys;
    private final AccessPolicy policy;
    private final RateLimits limits;

    public ApiGuard(ApiKeys keys, AccessPolicy policy) {
        this(keys, policy, RateLimits.off());
    }

    public ApiGuard(ApiKeys keys, AccessPolicy policy, RateLimits limits) {
        this.keys = keys;
        this.policy = policy;
        this.limits = limits;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        String method = in.getHeader(Exchange.HTTP_METHOD, "GET", String.class).toUpperCase(Locale.ROOT);
        String path = requestPath(in);

        ClientAddress client = limits.client(in);
        limits.beforeAuthentication(client); // 429 for an address that failed too often, before any key is compared
        String token = bearerToken(in.getHeader("Authorization", String.class));
        Principal principal = keys.authenticate(token).orElseThrow(() -> {
            if (token != null && !token.isEmpty()) {
                limits.authenticationFailed(client); // a wrong key, not a forgotten one
            }
            return new ApiProblem(401, "Unauthorized", "A valid API key is required: Authorization: Bearer <key>.");
        });
        in.removeHeader("Authorization"); // never travels further into the hub

        AccessPolicy.Operation operation = policy.resolve(method, path);
        if (!operation.allows(principal.role())) {
            throw new ApiProblem(403, "Forbidden", "The " + principal.role().wire() + " role may not "
                    + operation.operationId() + ".");
        }
        limits.beforeOperation(operation.operationId(), principal, client);
        byte[] body = in.getBody(byte[].class);
        if (body != null && body.length > operation.bodyLimit()) {
            throw new ApiProblem(413, "Payload too large", "The body exceeds " + operation.bodyLimit()
                    + " bytes for this operation.");
        }
        exchange.setProperty(PRINCIPAL, principal);
        exchange.setProperty(OPERATION, operation);
    }

    /** The request path without query; platform-http hands the full request URI in {@code CamelHttpUri}. */
    static String requestPath(Message in) {
        String uri = in.getHeader(Exchange.HTTP_URI, "", String.class);
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).strip() : null;
    }
}
