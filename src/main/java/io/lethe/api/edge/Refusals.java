package io.lethe.api.edge;

import io.lethe.api.ApiProblem;
import io.lethe.api.Json;
import io.lethe.api.Problems;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Answers a request at the edge, before any flow and usually before its body is read, as the same
 * {@code application/problem+json} the API flows render. The connection is closed afterwards: whatever the client
 * still sends (an unread body, a smuggled second request) is never read as a request.
 *
 * <p>The close lingers: a client that is still writing a refused body (a 413 is answered from the headers) would get
 * a TCP reset from a socket closed at once, and a reset can destroy the answer before the client reads it. So the
 * rest of the body is read and dropped, up to {@link #DRAIN_BYTES} or {@link #DRAIN_MILLIS}, and only then the
 * connection closes. A connection in that state answers nothing more: {@link #closing} lets the edge close it on any
 * request that arrives behind the refused one.
 */
final class Refusals {

    static final long DRAIN_BYTES = 8L * 1024 * 1024;
    static final long DRAIN_MILLIS = 2_000;

    private final Json json;
    private final Vertx vertx;
    private final Set<HttpConnection> lingering = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    Refusals(Json json, Vertx vertx) {
        this.json = json;
        this.vertx = vertx;
    }

    /** True for a connection whose refusal is draining: whatever request comes on it is not served. */
    boolean closing(HttpConnection connection) {
        return lingering.contains(connection);
    }

    void refuse(HttpServerRequest request, ApiProblem problem) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            request.connection().close();
            return;
        }
        response.setStatusCode(problem.status());
        response.putHeader(HttpHeaders.CONTENT_TYPE, Problems.MEDIA_TYPE);
        response.putHeader(HttpHeaders.CONNECTION, "close");
        if (problem.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"lethe\"");
        }
        SecurityHeaders.apply(request.path(), response.headers());
        HttpConnection connection = request.connection();
        lingering.add(connection);
        response.end(json.write(Problems.body(problem))).onComplete(done -> drainThenClose(request, connection));
    }

    private void drainThenClose(HttpServerRequest request, HttpConnection connection) {
        if (request.isEnded()) {
            connection.close();
            return;
        }
        AtomicLong dropped = new AtomicLong();
        long timer = vertx.setTimer(DRAIN_MILLIS, t -> connection.close());
        try {
            request.handler(chunk -> {
                if (dropped.addAndGet(chunk.length()) > DRAIN_BYTES) {
                    connection.close();
                }
            });
            request.endHandler(end -> {
                vertx.cancelTimer(timer);
                connection.close();
            });
            request.exceptionHandler(failed -> connection.close());
            request.resume();
        } catch (IllegalStateException alreadyRead) {
            vertx.cancelTimer(timer);
            connection.close(); // the body was consumed meanwhile: nothing left to drain
        }
    }
}
