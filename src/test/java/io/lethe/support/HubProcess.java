package io.lethe.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.lethe.api.ApiKeys;

/** The hub as an operator runs it: {@code java -jar target/lethe.jar}, in its own process, from the project root. */
public final class HubProcess implements AutoCloseable {

    public static final String KEY = "bench-admin-key";

    public final int port;
    public final Process process;
    final long startedNanos;
    public final Path dataDir;

    private HubProcess(int port, Process process, long startedNanos, Path dataDir) {
        this.port = port;
        this.process = process;
        this.startedNanos = startedNanos;
        this.dataDir = dataDir;
    }

    public static HubProcess start(Map<String, String> env, Path logFile) throws IOException {
        return start(env, logFile, Files.createTempDirectory("lethe-data-"));
    }

    /** Starts on {@code dataDir} (reuse one to restart the same hub). */
    public static HubProcess start(Map<String, String> env, Path logFile, Path dataDir) throws IOException {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", "target/lethe.jar")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().put("LETHE_HTTP_PORT", String.valueOf(port));
        pb.environment().put("LETHE_DATA_DIR", dataDir.toString());
        pb.environment().put("LETHE_API_KEYS", "bench:admin:" + ApiKeys.sha256Hex(KEY));
        pb.environment().putIfAbsent("LETHE_DB_URL", "jdbc:h2:file:" + dataDir + File.separator
                + "lethe;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;CACHE_SIZE=65536;DB_CLOSE_ON_EXIT=FALSE");
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        return new HubProcess(port, pb.start(), t0, dataDir);
    }

    /** Seconds from process start until {@code /observe/health} answers 200. */
    public double awaitHealthy(HttpClient http) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("hub exited with " + process.exitValue());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e9;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("hub not healthy within 60 s");
    }

    /** kill -9: no shutdown hook, no graceful stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
