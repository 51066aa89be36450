package io.lethe.api.edge;

import io.lethe.api.ApiProblem;
import io.lethe.api.Json;
import io.lethe.api.Problems;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a request at the edge, before any flow and usually before its body is read, as the same
 * {@code application/problem+json} the API flows render. The connection is closed afterwards: whatever the client
 * still sends (an unread body, a smuggled second request) is never read as a request.
 */
final class Refusals {

    private final Json json;

    Refusals(Json json) {
        this.json = json;
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
        response.end(json.write(Problems.body(problem))).onComplete(done -> request.connection().close());
    }
}
