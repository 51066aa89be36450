package io.lethe.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Database;
import io.lethe.support.HubProcess;
import io.lethe.support.TestDatabase;

/**
 * Ingest benchmark (docs/benchmarks.md): consent events per second through {@code POST /api/v1/consents/batch} of a
 * {@code java -jar} hub, against a raw JDBC batch insert of rows of the same shape into the same schema, in the same
 * run; then {@code java -jar} time to healthy. H2 always, PostgreSQL when {@code LETHE_TEST_PG_URL} is set.
 * Arguments: [events] (default 50000).
 */
public final class IngestBenchmark {

    private static final int BATCH = 1000;
    private static final int CLIENTS = 2;
    private static final SecureRandom RANDOM = new SecureRandom();

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        HttpClient http = HttpClient.newHttpClient();
        List<String> rows = new ArrayList<>();
        rows.add("| register | events | hub events/s | raw JDBC events/s | ratio |");
        rows.add("|---|---|---|---|---|");
        List<String> kinds = new ArrayList<>(List.of(TestDatabase.H2));
        if (System.getenv("LETHE_TEST_PG_URL") != null) {
            kinds.add(TestDatabase.POSTGRES);
        }
        for (String kind : kinds) {
            double hub = hubRate(kind, events, http);
            double raw = rawJdbcRate(kind, events);
            rows.add(String.format("| %s | %d | %.0f | %.0f | %.2f |", kind, events, hub, raw, hub / raw));
        }
        double[] startups = new double[5];
        for (int i = 0; i < startups.length; i++) {
            try (HubProcess hub = HubProcess.start(Map.of(), Files.createTempFile("lethe-start-", ".log"))) {
                startups[i] = hub.awaitHealthy(http);
            }
        }
        Arrays.sort(startups);
        System.out.println();
        rows.forEach(System.out::println);
        System.out.printf("%n`java -jar` to healthy, 5 runs: min %.2f s, median %.2f s, max %.2f s%n",
                startups[0], startups[2], startups[4]);
    }

    /** Events per second through the batch endpoint, after a warm-up of 10 batches. */
    static double hubRate(String kind, int events, HttpClient http) throws Exception {
        TestDatabase db = TestDatabase.create(kind);
        Map<String, String> env = Map.of("LETHE_DB_URL", db.url(), "LETHE_DB_USER", db.user(),
                "LETHE_DB_PASSWORD", db.password());
        Path log = Files.createTempFile("lethe-bench-", ".log");
        try (HubProcess hub = HubProcess.start(env, log)) {
            hub.awaitHealthy(http);
            URI uri = URI.create("http://127.0.0.1:" + hub.port + "/api/v1/consents/batch");
            List<String> warmup = bodies("warm", 10 * BATCH);
            List<String> measured = bodies("run", events);
            send(http, uri, warmup);
            long t0 = System.nanoTime();
            send(http, uri, measured);
            return events / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void send(HttpClient http, URI uri, List<String> bodies) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                        HttpRequest request = HttpRequest.newBuilder(uri)
                                .header("Authorization", "Bearer " + HubProcess.KEY)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build();
                        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200 || r.body().contains("\"error\"")) {
                            throw new IllegalStateException("batch refused: " + r.statusCode());
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Batches of events for distinct new subjects, each with e-mail, external id and evidence. */
    static List<String> bodies(String tag, int events) {
        List<String> bodies = new ArrayList<>();
        for (int from = 0; from < events; from += BATCH) {
            StringBuilder b = new StringBuilder("{\"events\":[");
            for (int i = from; i < Math.min(events, from + BATCH); i++) {
                if (i > from) {
                    b.append(',');
                }
                b.append("{\"subject\":{\"email\":\"").append(tag).append(i).append("@bench.example.com\",")
                        .append("\"externalId\":\"").append(tag).append('-').append(i).append("\"},")
                        .append("\"purpose\":\"email_marketing\",\"status\":\"granted\",\"lawfulBasis\":\"consent\",")
                        .append("\"source\":\"bench\",\"capturedAt\":\"2026-11-01T10:00:00Z\",")
                        .append("\"evidence\":{\"noticeVersion\":\"2026-01\",\"ip\":\"203.0.113.7\",")
                        .append("\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64)\"}}");
            }
            bodies.add(b.append("]}").toString());
        }
        return bodies;
    }

    /**
     * The same rows the hub writes per event (one subject, two identities, one event and its current-state row, with
     * byte columns the size of the sealed values), inserted with plain JDBC batches, one transaction per 1000 events, into the migrated schema.
     */
    static double rawJdbcRate(String kind, int events) throws Exception {
        TestDatabase db = TestDatabase.create(kind);
        try (HikariDataSource ds = Database.open(db.url(), db.user(), db.password(), 2)) {
            Database.migrate(ds);
            insertRaw(ds, 10 * BATCH); // warm-up, like the hub's
            long t0 = System.nanoTime();
            insertRaw(ds, events);
            return events / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void insertRaw(HikariDataSource ds, int events) throws Exception {
        HexFormat hex = HexFormat.of();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime captured = OffsetDateTime.parse("2026-11-01T10:00:00Z");
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int from = 0; from < events; from += BATCH) {
                try (PreparedStatement subject = c.prepareStatement(
                        "insert into subject (id, data_key, created_at) values (?, ?, ?)");
                        PreparedStatement identity = c.prepareStatement(
                                "insert into subject_identity (lookup_hash, subject_id, kind, sealed_value) values (?, ?, ?, ?)");
                        PreparedStatement event = c.prepareStatement("insert into consent_event (id, subject_id, purpose,"
                                + " status, lawful_basis, sealed_source, captured_at, recorded_at, effective_at,"
                                + " sealed_evidence) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                        PreparedStatement state = c.prepareStatement("insert into consent_state (subject_id, purpose,"
                                + " event_id, status, effective_at, lawful_basis, sealed_source)"
                                + " values (?, ?, ?, ?, ?, ?, ?)")) {
                    for (int i = from; i < Math.min(events, from + BATCH); i++) {
                        String id = UUID.randomUUID().toString();
                        subject.setString(1, id);
                        subject.setBytes(2, bytes(61));
                        subject.setObject(3, now);
                        subject.addBatch();
                        for (String kindName : new String[] {"EMAIL", "EXTERNAL_ID"}) {
                            identity.setString(1, hex.formatHex(bytes(32)));
                            identity.setString(2, id);
                            identity.setString(3, kindName);
                            identity.setBytes(4, bytes(50));
                            identity.addBatch();
                        }
                        String eventId = UUID.randomUUID().toString();
                        byte[] sealedSource = bytes(34);
                        event.setString(1, eventId);
                        event.setString(2, id);
                        event.setString(3, "email_marketing");
                        event.setString(4, "granted");
                        event.setString(5, "consent");
                        event.setBytes(6, sealedSource);
                        event.setObject(7, captured);
                        event.setObject(8, now);
                        event.setObject(9, captured);
                        event.setBytes(10, bytes(120));
                        event.addBatch();
                        state.setString(1, id);
                        state.setString(2, "email_marketing");
                        state.setString(3, eventId);
                        state.setString(4, "granted");
                        state.setObject(5, captured);
                        state.setString(6, "consent");
                        state.setBytes(7, sealedSource);
                        state.addBatch();
                    }
                    subject.executeBatch();
                    identity.executeBatch();
                    event.executeBatch();
                    state.executeBatch();
                }
                c.commit();
            }
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
