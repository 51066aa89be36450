package io.lethe.api.edge;

import java.util.List;
import java.util.Locale;

import io.lethe.api.ApiProblem;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at each request before the router does. The router would fail on a malformed percent-escape while matching
 * routes, and log the raw URI (caller-chosen text: addresses, terminal escapes) with a stack trace for every such
 * request; here it costs one WARN line without the URI and a 400. Two Host headers make the request's target
 * ambiguous to whatever sits in front, so they are refused too.
 */
final class RequestScreen {

    private static final Logger LOG = LoggerFactory.getLogger(RequestScreen.class);

    private final Refusals refusals;

    RequestScreen(Refusals refusals) {
        this.refusals = refusals;
    }

    Handler<HttpServerRequest> before(Handler<HttpServerRequest> router) {
        return request -> {
            if (refusals.closing(request.connection())) {
                request.connection().close(); // queued behind a refused request: never served
                return;
            }
            String violation = violation(request);
            if (violation == null) {
                router.handle(request);
            } else {
                LOG.warn("Refused a request: {}", violation);
                refusals.refuse(request, new ApiProblem(400, "Bad request", "The request has " + violation + "."));
            }
        };
    }

    static String violation(HttpServerRequest request) {
        List<String> hosts = request.headers().getAll(HttpHeaders.HOST);
        if (hosts.size() > 1) {
            return "more than one Host header";
        }
        if (request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            return "both Content-Length and Transfer-Encoding"; // normally stopped earlier, by the decoder
        }
        if (!wellEncoded(request.uri())) {
            return "a malformed percent-escape in its URI";
        }
        return null;
    }

    private static boolean wellEncoded(String uri) {
        if (uri == null || uri.isEmpty()) {
            return false;
        }
        try {
            int query = uri.indexOf('?');
            QueryStringDecoder.decodeComponent(query < 0 ? uri : uri.substring(0, query));
            new QueryStringDecoder(uri).parameters();
            return !uri.toLowerCase(Locale.ROOT).contains("%00");
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
