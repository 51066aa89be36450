package io.lethe.api.edge;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.lethe.api.AccessPolicy;
import io.lethe.api.ApiKeys;
import io.lethe.api.ApiProblem;
import io.lethe.api.Principal;
import io.lethe.api.RateLimits;
import io.lethe.api.TooManyRequests;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The first handler of every request on the Vert.x router of the embedded server, before Camel's own body handler
 * and before any flow (framing and URI syntax were checked before routing, by {@link RequestScreen}). It answers
 * keyless health itself, authenticates API callers and checks their operation <em>before a byte of the body is read</em>, then reads the body with the limit
 * of that operation. The Camel-side {@link io.lethe.api.ApiGuard} still runs afterwards on every API exchange.
 */
final class HttpEdge implements Handler<RoutingContext> {

    private static final String API = "/api/v1";

    private final ApiKeys keys;
    private final AccessPolicy policy;
    private final long defaultBodyLimit;
    private final Refusals refusals;
    private final ReadDeadlines deadlines;
    private final KeylessHealth health;
    private final RateLimits limits;
    private final Map<Long, BodyHandler> bodyHandlers = new ConcurrentHashMap<>();

    HttpEdge(ApiKeys keys, AccessPolicy policy, long defaultBodyLimit, Refusals refusals, ReadDeadlines deadlines,
            KeylessHealth health, RateLimits limits) {
        this.keys = keys;
        this.policy = policy;
        this.defaultBodyLimit = defaultBodyLimit;
        this.refusals = refusals;
        this.deadlines = deadlines;
        this.health = health;
        this.limits = limits;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        deadlines.headersArrived(request, late -> refusals.refuse(late, new ApiProblem(408, "Request timeout",
                "The request body did not arrive in time.")));
        ctx.addHeadersEndHandler(v -> SecurityHeaders.apply(request.path(), ctx.response().headers()));
        ctx.addEndHandler(v -> deadlines.answered(request));

        String path = path(ctx);
        String method = request.method().name().toUpperCase(Locale.ROOT);
        // Wrong keys are counted here, where they are refused: an address that sent too many gets 429 before any
        // key is compared (the guard's own check stays for requests that pass).
        var client = limits.client(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress(),
                request.headers().getAll("X-Forwarded-For"));
        try {
            limits.beforeAuthentication(client);
        } catch (TooManyRequests tooMany) {
            request.response().putHeader("Retry-After", String.valueOf(tooMany.retryAfterSeconds()));
            refusals.refuse(request, tooMany);
            return;
        }
        String token = bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
        Optional<Principal> caller = keys.authenticate(token);
        if (token != null && !token.isEmpty() && caller.isEmpty()) {
            limits.authenticationFailed(client); // a wrong key, not a forgotten one
        }
        if (KeylessHealth.handles(path, method)) {
            if (caller.filter(KeylessHealth::mayReadDetail).isPresent()) {
                ctx.next(); // Camel's health endpoint, with whatever detail the operator asks for
            } else {
                health.answer(ctx, path);
            }
            return;
        }
        AccessPolicy.Operation operation;
        try {
            operation = admit(method, path, caller);
        } catch (ApiProblem refused) {
            refusals.refuse(request, refused);
            return;
        }
        long limit = operation != null ? operation.bodyLimit() : defaultBodyLimit;
        bodyHandlers.computeIfAbsent(limit, HttpEdge::bodyHandler).handle(ctx);
    }

    /** Failure handler of the same route: the router's own refusals (413 from the body limit, 400, 404) as problems. */
    void failed(RoutingContext ctx) {
        if (ctx.response().closed() || ctx.response().ended()) {
            return; // the client left, or a refusal closed the connection: nothing to answer, nothing to log
        }
        int status = ctx.statusCode();
        ApiProblem problem = switch (status) {
            case 413 -> new ApiProblem(413, "Payload too large", "The body exceeds the limit of this operation.");
            case 400 -> new ApiProblem(400, "Bad request", "The request is malformed.");
            case 404 -> ApiProblem.notFound("There is no such resource.");
            case 417 -> new ApiProblem(417, "Expectation failed", "Only Expect: 100-continue is supported.");
            default -> null;
        };
        if (problem == null) {
            ctx.next();
            return;
        }
        refusals.refuse(ctx.request(), problem);
    }

    /**
     * The API operation and its body limit, or null outside the API for paths the contract does not list. Inside the
     * API the order is the guard's: 401 before 404/405, then 403, all before the body is read.
     */
    private AccessPolicy.Operation admit(String method, String path, Optional<Principal> caller) {
        boolean api = path.equals(API) || path.startsWith(API + "/");
        AccessPolicy.Operation operation;
        try {
            operation = policy.resolve(method, path);
        } catch (ApiProblem unknown) {
            if (!api) {
                return null; // the router answers 404 for paths outside the contract
            }
            if (caller.isEmpty()) {
                throw unauthorized();
            }
            throw unknown;
        }
        if (operation.open()) {
            return operation;
        }
        Principal principal = caller.orElseThrow(HttpEdge::unauthorized);
        if (!operation.allows(principal.role())) {
            throw new ApiProblem(403, "Forbidden", "The " + principal.role().wire() + " role may not "
                    + operation.operationId() + ".");
        }
        return operation;
    }

    private static ApiProblem unauthorized() {
        return new ApiProblem(401, "Unauthorized", "A valid API key is required: Authorization: Bearer <key>.");
    }

    /**
     * The path the router matches routes with (dot segments and double slashes removed, unreserved escapes decoded),
     * so that {@code /observe//health} or {@code /api/v1/./consents} cannot reach a route past a check made on the
     * raw path. Without a trailing slash, as the guard compares paths.
     */
    private static String path(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        return value.regionMatches(true, 0, "Bearer ", 0, 7) ? value.substring(7).strip() : null;
    }

    private static BodyHandler bodyHandler(long limit) {
        // No file uploads: nothing a caller sends is ever written to disk.
        return BodyHandler.create(false).setBodyLimit(limit).setPreallocateBodyBuffer(false);
    }
}
