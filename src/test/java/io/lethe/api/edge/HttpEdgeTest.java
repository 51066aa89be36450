package io.lethe.api.edge;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.FormattedLogCapture;
import io.lethe.support.RawHttp;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP edge seen from a raw socket: health says UP/DOWN only, API callers are authenticated before their body is
 * read, bodies are limited per operation, framing tricks and malformed URIs are refused, slow and idle connections
 * are cut, every answer carries the security headers, and the hub listens on loopback unless told otherwise.
 */
class HttpEdgeTest extends HubTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMAIL = "edge.hardening.subject.address@example-subsidiary.com";

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        Properties p = new Properties();
        p.put("lethe.http.idle-timeout-ms", "1500");
        p.put("lethe.http.read-timeout-ms", "1500");
        return p;
    }

    private RawHttp.Reply raw(String request) throws IOException {
        try (RawHttp raw = new RawHttp("127.0.0.1", port, 8000)) {
            raw.send(request);
            return raw.readUntilClosed();
        }
    }

    private static String head(String path, String... headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + String.join("", headers) + "\r\n";
    }

    private static JsonNode problem(RawHttp.Reply reply) throws IOException {
        assertThat(reply.text()).containsIgnoringCase("content-type: application/problem+json");
        return JSON.readTree(reply.text().substring(reply.text().indexOf("\r\n\r\n") + 4));
    }

    @Test
    void keyless_health_says_up_or_down_and_nothing_else_whatever_it_asks() {
        for (String query : List.of("", "?exposureLevel=full&data=true&stackTrace=true", "?exposureLevel=default",
                "/live?exposureLevel=full", "/ready?exposureLevel=full&data=true")) {
            for (String key : new String[] {null, "not-a-key", MARKETER_KEY, COMPLIANCE_KEY}) {
                Response r = api.get("/observe/health" + query, key);
                assertThat(r.status()).as(query).isEqualTo(200);
                assertThat(r.body()).as(query).isEqualTo("{\"status\":\"UP\"}");
            }
        }
        for (String disguised : List.of("/observe//health", "/observe/./health", "/observe/%68ealth",
                "/observe/x/../health/", "/observe/health/./ready")) {
            Response r = api.get(disguised + "?exposureLevel=full&data=true&stackTrace=true", null);
            assertThat(r.body()).as(disguised).isEqualTo("{\"status\":\"UP\"}");
        }
        Response detail = api.get("/observe/health?exposureLevel=full&data=true", ADMIN_KEY);
        assertThat(detail.json().path("checks").isArray()).isTrue();
        assertThat(detail.body()).contains("register");
    }

    @Test
    void a_keyless_body_is_refused_before_it_is_read() throws IOException {
        // The body never comes: a server that waited for it would answer 408 after the read timeout, not 401.
        try (RawHttp raw = new RawHttp("127.0.0.1", port, 8000)) {
            raw.send("POST /api/v1/consents/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2000000\r\nExpect: 100-continue\r\n\r\n{\"events\":[");
            RawHttp.Reply reply = raw.readUntilClosed();
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.text()).doesNotContain("100 Continue");
            assertThat(reply.closed()).isTrue();
            assertThat(problem(reply).path("status").asInt()).isEqualTo(401);
        }
    }

    @Test
    void bodies_are_limited_to_64_kb_except_the_batch_endpoint_and_413_is_a_problem() throws IOException {
        String big = "{\"subject\":{\"email\":\"" + EMAIL + "\"},\"purpose\":\"" + "x".repeat(70_000) + "\"}";
        // Raw, announcing the whole body and sending its start: the hub answers 413 from the headers and closes, which
        // an HTTP client still writing the body may see as a broken pipe instead of the answer.
        String head = "Host: localhost\r\nAuthorization: Bearer " + ADMIN_KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: " + big.length() + "\r\n\r\n"
                + big.substring(0, 1000);
        RawHttp.Reply single = raw("POST /api/v1/consents HTTP/1.1\r\n" + head);
        assertThat(single.status()).isEqualTo(413);
        assertThat(problem(single).path("status").asInt()).isEqualTo(413);

        RawHttp.Reply disguised = raw("POST /api/v1//consents HTTP/1.1\r\n" + head);
        assertThat(disguised.status()).isEqualTo(413);

        Response batch = api.send("POST", "/api/v1/consents/batch", ADMIN_KEY, "application/json",
                "{\"events\":[" + big + "]}");
        assertThat(batch.status()).isNotEqualTo(413);

        // Without Content-Length the limit holds all the same, counted while reading.
        String chunk = big.substring(0, 40_000);
        RawHttp.Reply chunked = raw("POST /api/v1/consents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + ADMIN_KEY + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + (Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n").repeat(2) + "0\r\n\r\n");
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(problem(chunked).path("title").asText()).isEqualTo("Payload too large");
    }

    @Test
    void a_client_still_writing_a_refused_body_reads_the_413() throws Exception {
        // The 413 is answered from the headers while the client keeps writing. Closed at once, the socket answers the
        // rest with a TCP reset, which Java's HttpClient (like many) reports instead of the 413; the edge drains.
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        byte[] body = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) 'x');
        for (int attempt = 0; attempt < 5; attempt++) {
            var response = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/consents"))
                    .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("attempt %d", attempt).isEqualTo(413);
        }
    }

    @Test
    void nothing_pipelined_behind_a_refused_body_is_served() throws IOException {
        String body = "x".repeat(70_000);
        RawHttp.Reply reply = raw("POST /api/v1/consents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + ADMIN_KEY + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n"
                + body + head("/observe/health"));
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.text().split("HTTP/1.1 ", -1)).hasSize(2); // one answer: the GET behind it never ran
        assertThat(reply.closed()).isTrue();
    }

    @Test
    void content_length_with_transfer_encoding_is_refused_and_nothing_behind_it_is_read() throws IOException {
        RawHttp.Reply reply = raw("POST /api/v1/consents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + ADMIN_KEY + "\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + head("/observe/health"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(problem(reply).path("detail").asText()).contains("Content-Length", "Transfer-Encoding");
        assertThat(reply.text().split("HTTP/1.1 ", -1)).hasSize(2); // one answer: the smuggled GET never ran
        assertThat(reply.closed()).isTrue();
    }

    @Test
    void two_host_headers_are_refused() throws IOException {
        RawHttp.Reply reply = raw(head("/observe/health", "Host: evil.example\r\n"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(problem(reply).path("detail").asText()).contains("Host");
    }

    @Test
    void cleartext_http2_is_never_switched_to() throws IOException {
        RawHttp.Reply upgrade = raw(head("/observe/health", "Connection: Upgrade, HTTP2-Settings\r\n",
                "Upgrade: h2c\r\n", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"));
        assertThat(upgrade.text()).startsWith("HTTP/1.1 200").doesNotContain("101");

        RawHttp.Reply priorKnowledge = raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assertThat(priorKnowledge.status()).isGreaterThanOrEqualTo(400);
        assertThat(priorKnowledge.closed()).isTrue();
    }

    @Test
    void a_malformed_percent_escape_is_one_warning_without_the_uri() throws IOException {
        try (FormattedLogCapture log = new FormattedLogCapture()) {
            RawHttp.Reply reply = raw(head("/api/v1/subjects/%zz" + EMAIL + "%1b[2J/consents?q=%E2%"));
            assertThat(reply.status()).isEqualTo(400);
            assertThat(problem(reply).path("detail").asText()).contains("percent-escape");
            List<String> events = log.events();
            assertThat(events).filteredOn(e -> e.contains("percent-escape")).singleElement().asString()
                    .contains("WARN").endsWith("malformed percent-escape in its URI" + System.lineSeparator());
            assertThat(log.text()).doesNotContain(EMAIL, "%zz", "%1b", "\tat ", "Invalid escape sequence");
        }
    }

    @Test
    void silent_connections_and_trickled_bodies_are_cut_off() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try (RawHttp idle = new RawHttp("127.0.0.1", port, 10_000)) {
            assertThat(idle.readUntilClosed().closed()).isTrue();
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1000L, 6000L);

        start = System.nanoTime();
        try (RawHttp slow = new RawHttp("127.0.0.1", port, 10_000)) {
            slow.send("POST /api/v1/consents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ADMIN_KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
            for (int i = 0; i < 10; i++) { // one byte every 400 ms: never idle, never done
                Thread.sleep(400);
                try {
                    slow.send(" ");
                } catch (IOException closed) {
                    break;
                }
            }
            RawHttp.Reply reply = slow.readUntilClosed();
            assertThat(reply.closed()).isTrue();
            assertThat(reply.status()).isEqualTo(408);
            assertThat(problem(reply).path("status").asInt()).isEqualTo(408);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void trickled_headers_are_cut_off_although_the_connection_is_never_idle() throws IOException, InterruptedException {
        try (RawHttp slow = new RawHttp("127.0.0.1", port, 10_000)) {
            slow.send("GET /observe/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
            boolean cut = false;
            for (int i = 0; i < 25 && !cut; i++) { // one byte every 300 ms for 7.5 s: the idle timeout never fires
                Thread.sleep(300);
                try {
                    slow.send("a");
                } catch (IOException closed) {
                    cut = true;
                }
            }
            assertThat(cut).as("closed while the client was still sending").isTrue();
        }
    }

    @Test
    void every_answer_carries_the_security_headers() throws IOException {
        for (String path : List.of("/observe/health", "/api/v1/connectors", "/api/v1/nothing-here", "/no-such-page",
                "/verify/not-a-token")) {
            RawHttp.Reply reply = raw(head(path, "Authorization: Bearer " + ADMIN_KEY + "\r\n",
                    "Connection: close\r\n"));
            assertThat(reply.text()).as(path).containsIgnoringCase("X-Content-Type-Options: nosniff");
        }
        RawHttp.Reply keyless = raw(head("/api/v1/connectors", "Connection: close\r\n"));
        assertThat(keyless.status()).isEqualTo(401);
        assertThat(keyless.text()).containsIgnoringCase("X-Content-Type-Options: nosniff");

        RawHttp.Reply api = raw(head("/api/v1/connectors", "Authorization: Bearer " + ADMIN_KEY + "\r\n",
                "Connection: close\r\n"));
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.text()).containsIgnoringCase("Cache-Control: no-store");

        for (String page : List.of("/verify/not-a-token", "/no-such-page")) {
            RawHttp.Reply html = raw(head(page, "Connection: close\r\n"));
            assertThat(html.text()).as(page).containsIgnoringCase("content-type: text/html")
                    .containsIgnoringCase("Content-Security-Policy: default-src 'none'")
                    .contains("frame-ancestors 'none'").containsIgnoringCase("X-Frame-Options: DENY");
        }
    }

    @Test
    void the_default_bind_address_is_loopback_only() throws IOException {
        try (Socket ok = new Socket("127.0.0.1", port)) {
            assertThat(ok.isConnected()).isTrue();
        }
        // 127.0.0.2 is this machine too, but not the address the hub bound.
        assertThatThrownBy(() -> new Socket("127.0.0.2", port).close()).isInstanceOf(ConnectException.class);
    }
}
