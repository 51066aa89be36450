package io.lethe.demo.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;

/** Plain HTTP calls to a sandbox, for the behaviours' own tests. */
final class SandboxClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private SandboxClient() {
    }

    /** {@code headers} as name, value pairs; a null body sends none. */
    static Answer call(SandboxServer server, String method, String pathAndQuery, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
