package io.lethe.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A vendor sandbox for the {@code demo} command: a small HTTP server on loopback that answers like the vendor's real
 * API (paths, bodies, status codes, auth and limits) and keeps its contacts in memory. {@code GET /_sandbox/state}
 * shows what the vendor now holds, so a newcomer can watch an opt-out arrive. Only Salesforce's sandbox is still one
 * of these; the other vendors are {@link io.lethe.demo.sandbox.VendorBehaviour}s hosted by a SandboxServer.
 */
public abstract class Sandbox implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final java.util.concurrent.ExecutorService executor;
    private final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Map<String, Long> optedOutAt = new java.util.concurrent.ConcurrentHashMap<>();

    Sandbox(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "sandbox");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().equals("/_sandbox/state")) { // as on every SandboxServer
                send(exchange, 200, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(contacts()));
                return;
            }
            if (countsAsApiCall(exchange.getRequestURI().getPath())) {
                calls.incrementAndGet();
            }
            handle(exchange);
        } catch (RuntimeException e) {
            send(exchange, 500, "application/json", "{\"message\":\"sandbox error\"}");
        }
    }

    /** Vendor API calls answered so far (log-in calls excluded), for the propagation benchmark. */
    public int calls() {
        return calls.get();
    }

    /** When this vendor first recorded an opt-out of the address (epoch ms), or null. */
    public Long optedOutAt(String email) {
        return optedOutAt.get(email.toLowerCase(java.util.Locale.ROOT));
    }

    void markOptedOut(String email) {
        optedOutAt.putIfAbsent(email.toLowerCase(java.util.Locale.ROOT), System.currentTimeMillis());
    }

    boolean countsAsApiCall(String path) {
        return true;
    }

    /** Answers one vendor API call. */
    abstract void handle(HttpExchange exchange) throws IOException;

    /** What the vendor holds now, for people watching the demo. */
    abstract Object contacts();

    static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", body instanceof String s ? s : JSON.writeValueAsString(body));
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
