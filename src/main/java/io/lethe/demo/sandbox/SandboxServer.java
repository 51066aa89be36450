package io.lethe.demo.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Hosts one {@link VendorBehaviour} on loopback: the demo's vendor sandboxes and the tests' fakes are both this.
 * Enforces what every vendor's front door enforces (URI and header sizes, like Salesforce's 16 KiB and common 8 KiB
 * proxies), keeps a journal of requests for tests, lets tests observe each request (spec validation) and inject
 * faults ahead of the behaviour. {@code GET /_sandbox/state} shows what the vendor now holds.
 */
public final class SandboxServer implements AutoCloseable {

    /** Longest request URI accepted (414 beyond). */
    public static final int MAX_URI = 16_384;
    /** Largest request line + headers accepted (431 beyond). */
    public static final int MAX_HEADERS = 16_384;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final VendorBehaviour behaviour;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger calls = new AtomicInteger();
    private final List<SandboxRequest> journal = new CopyOnWriteArrayList<>();
    private final List<Consumer<SandboxRequest>> observers = new CopyOnWriteArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();

    /** An injected fault: a fixed answer, or (answer null) the behaviour's answer after a delay or a dropped connection. */
    private record Fault(Predicate<SandboxRequest> when, SandboxResponse answer, AtomicInteger left, Duration delay,
            boolean drop) {
    }

    private SandboxServer(VendorBehaviour behaviour, int port) throws IOException {
        this.behaviour = behaviour;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "sandbox-" + behaviour.vendor());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    /** Starts the behaviour on a port (0: any free port). */
    public static SandboxServer start(VendorBehaviour behaviour, int port) {
        try {
            return new SandboxServer(behaviour, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + behaviour.vendor() + " sandbox", e);
        }
    }

    public static SandboxServer start(VendorBehaviour behaviour) {
        return start(behaviour, 0);
    }

    public VendorBehaviour behaviour() {
        return behaviour;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** API calls answered (sandbox pages excluded). */
    public int calls() {
        return calls.get();
    }

    /** Every API request received, in order. */
    public List<SandboxRequest> requests() {
        return List.copyOf(journal);
    }

    /** The requests matching method and path (exact path; query ignored). */
    public List<SandboxRequest> requests(String method, String path) {
        return journal.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    public void clearJournal() {
        journal.clear();
    }

    /** Called with every API request before it is answered (e.g. a spec validator in tests). */
    public void onRequest(Consumer<SandboxRequest> observer) {
        observers.add(observer);
    }

    /** The next {@code times} requests matching {@code when} get {@code answer} instead of the behaviour's. */
    public void inject(Predicate<SandboxRequest> when, int times, SandboxResponse answer) {
        synchronized (faults) {
            faults.add(new Fault(when, answer, new AtomicInteger(times), Duration.ZERO, false));
        }
    }

    /** The next {@code times} requests matching {@code when} are answered by the behaviour only after {@code delay}. */
    public void injectDelay(Predicate<SandboxRequest> when, int times, Duration delay) {
        synchronized (faults) {
            faults.add(new Fault(when, null, new AtomicInteger(times), delay, false));
        }
    }

    /**
     * The next {@code times} requests matching {@code when} lose their connection: the answer's headers promise a
     * body that never comes, so the client sees the connection end mid-answer (an I/O error, as with a reset).
     */
    public void injectDisconnect(Predicate<SandboxRequest> when, int times) {
        synchronized (faults) {
            faults.add(new Fault(when, null, new AtomicInteger(times), Duration.ZERO, true));
        }
    }

    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String rawUri = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            if (rawUri.length() > MAX_URI) {
                send(exchange, SandboxResponse.json(414, "{\"message\":\"URI Too Long\"}"));
                return;
            }
            int headerBytes = exchange.getRequestMethod().length() + rawUri.length() + 12;
            Map<String, List<String>> headers = new TreeMap<>();
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                headers.put(h.getKey().toLowerCase(Locale.ROOT), List.copyOf(h.getValue()));
                for (String v : h.getValue()) {
                    headerBytes += h.getKey().length() + v.length() + 4;
                }
            }
            if (headerBytes > MAX_HEADERS) {
                send(exchange, SandboxResponse.json(431, "{\"message\":\"Request Header Fields Too Large\"}"));
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            SandboxRequest request = new SandboxRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body);
            if (request.path().equals("/_sandbox/state")) {
                send(exchange, SandboxResponse.json(200,
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(behaviour.state())));
                return;
            }
            calls.incrementAndGet();
            journal.add(request);
            observers.forEach(o -> o.accept(request));
            Fault fault = takeFault(request);
            if (fault != null && fault.drop()) {
                exchange.sendResponseHeaders(200, 1024);
                return; // closing now, with none of the promised bytes written, breaks the connection
            }
            if (fault != null && fault.answer() == null) {
                sleep(fault.delay());
            }
            send(exchange, fault != null && fault.answer() != null ? fault.answer() : behaviour.handle(request));
        } catch (RuntimeException e) {
            send(exchange, SandboxResponse.json(500, "{\"message\":\"sandbox error\"}"));
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Fault takeFault(SandboxRequest request) {
        synchronized (faults) {
            for (Fault f : new ArrayList<>(faults)) {
                if (f.when().test(request)) {
                    if (f.left().decrementAndGet() <= 0) {
                        faults.remove(f);
                    }
                    return f;
                }
            }
        }
        return null;
    }

    private static void send(HttpExchange exchange, SandboxResponse response) throws IOException {
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        byte[] bytes = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
        boolean noBody = bytes.length == 0 || response.status() == 204 || response.status() == 304;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : bytes.length);
        if (!noBody) {
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
