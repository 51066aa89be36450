package io.lethe.events;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lethe.connectors.engine.auth.StandardWebhooksVerifier;

/**
 * A receiver of the hub's webhooks on a port of its own that is down (connection refused) until {@link #start}, then
 * answers 503 or 200 ({@link #healthy}). Strict: a message whose Standard Webhooks signature does not verify under its
 * path's secret, or that is not JSON, is answered 400 and counted in {@link #refusals}.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One message as it arrived: its path, webhook-id, request header names, body, and what it was answered. */
    record Message(String path, String webhookId, List<String> headerNames, JsonNode body, int answered) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    private final Map<String, StandardWebhooksVerifier> verifiers = new ConcurrentHashMap<>();
    private volatile boolean healthy;
    private HttpServer server;

    WebhookReceiver() {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    void secret(String path, String secret) {
        verifiers.put(path, new StandardWebhooksVerifier(secret, Clock.systemUTC()));
    }

    void start(boolean healthy) throws IOException {
        this.healthy = healthy;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    /** The messages answered 2xx at {@code path}, in arrival order. */
    List<Message> accepted(String path) {
        List<Message> out = new ArrayList<>();
        for (Message m : messages) {
            if (m.path().equals(path) && m.answered() / 100 == 2) {
                out.add(m);
            }
        }
        return out;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        int status;
        JsonNode json = null;
        StandardWebhooksVerifier verifier = verifiers.get(path);
        try {
            if (!"POST".equals(exchange.getRequestMethod()) || verifier == null) {
                throw new StandardWebhooksVerifier.Refused("not a POST to a known path");
            }
            if (!"application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                throw new StandardWebhooksVerifier.Refused("not application/json");
            }
            verifier.verify(id, exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"), body);
            json = JSON.readTree(body);
            status = healthy ? 200 : 503;
        } catch (StandardWebhooksVerifier.Refused | IOException e) {
            refusals.add(path + ": " + e.getMessage());
            status = 400;
        }
        messages.add(new Message(path, id, List.copyOf(exchange.getRequestHeaders().keySet()), json, status));
        byte[] answer = (status == 503 ? "{\"error\":\"maintenance, write to ops@receiver.example\"}" : "{}").getBytes();
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
