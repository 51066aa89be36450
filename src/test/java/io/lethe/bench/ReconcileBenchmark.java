package io.lethe.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.audit.SyncLog;
import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.DescriptorValidator;
import io.lethe.connectors.VendorContact;
import io.lethe.db.Database;
import io.lethe.dispatch.Outbox;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.MessageIds;
import io.lethe.notify.Templates;
import io.lethe.reconcile.ReconcileRuns;
import io.lethe.reconcile.Reconciler;
import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;
import io.lethe.register.KeyRing;
import io.lethe.requests.Deadlines;
import io.lethe.requests.RequestService;
import io.lethe.support.TestDatabase;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Reconciliation benchmark (docs/benchmarks.md): N vendor contacts against N register subjects, run with -Xmx512m
 * ({@code exec:exec@reconcile-bench}). Times the real Reconciler (dry run, so the figures are the streaming match,
 * not the repairs) against a naive in-memory hash join of the same data, in the same JVM, and reports each one's
 * peak heap. Arguments: [subjects] [h2|postgres] (defaults 1000000, h2).
 */
public final class ReconcileBenchmark {

    static final int PAGE = 1000;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        TestDatabase db = TestDatabase.create(args.length > 1 ? args[1] : TestDatabase.H2);
        KeyRing keys = new KeyRing(new byte[32]);
        try (HikariDataSource ds = Database.open(db.url(), db.user(), db.password(), 4)) {
            Database.migrate(ds);
            long t0 = System.nanoTime();
            seed(ds, keys, n);
            System.out.printf("seeded %d subjects in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);

            ConsentRegister register = new ConsentRegister(ds, keys, Clock.systemUTC());
            DefaultCamelContext camel = new DefaultCamelContext();
            MailOutbox mailer = new MailOutbox(ds, keys.derivedKey("mail-outbox"), new MessageIds(""), Clock.systemUTC(),
                    false);
            Connectors connectors = benchConnector(n);
            Outbox outbox = new Outbox(ds, new SyncLog(ds, Clock.systemUTC(), io.lethe.audit.AuditKey.of(new byte[32])), Clock.systemUTC(), "bench");
            RequestService requests = new RequestService(ds, register, outbox, connectors,
                    new Deadlines(ZoneOffset.UTC, Set.of()), mailer, new Templates(Path.of("config/mail")),
                    "http://localhost", "", Clock.systemUTC());
            ReconcileRuns runs = new ReconcileRuns(ds, Clock.systemUTC());
            Reconciler reconciler = new Reconciler(runs, connectors, (connector, since, page) -> {
                for (int from = 0; from < n; from += PAGE) {
                    List<VendorContact> contacts = new ArrayList<>(PAGE);
                    for (int k = from; k < Math.min(n, from + PAGE); k++) {
                        contacts.add(contact(k));
                    }
                    page.accept(contacts);
                }
            }, register, outbox, requests, mailer, "", ds,
                    Clock.systemUTC());

            System.gc();
            resetPeaks();
            t0 = System.nanoTime();
            String runId = runs.start("bench", true).orElseThrow();
            reconciler.run(runId, "bench", true, false);
            double streamed = (System.nanoTime() - t0) / 1e9;
            long streamedPeak = heapPeak();
            Map<String, Object> report = runs.report(runId).orElseThrow();

            System.gc();
            resetPeaks();
            t0 = System.nanoTime();
            long[] naive;
            try {
                naive = naiveJoin(ds, keys, n);
            } catch (OutOfMemoryError e) {
                naive = new long[] {-1, -1};
                System.out.println("the naive join ran out of memory within -Xmx" + (Runtime.getRuntime().maxMemory() >> 20) + "m");
            }
            double naiveSeconds = (System.nanoTime() - t0) / 1e9;
            long naivePeak = heapPeak();

            System.out.println();
            System.out.printf("| method | %d contacts x %d subjects | peak heap |%n|---|---|---|%n", n, n);
            System.out.printf("| Lethe reconciler (streaming, pages of %d) | %.1f s | %d MB |%n", PAGE, streamed,
                    streamedPeak >> 20);
            System.out.printf("| naive in-memory hash join | %.1f s | %d MB |%n", naiveSeconds, naivePeak >> 20);
            System.out.printf("ratio %.2f; max heap %d MB; run %s: scanned %s, drift %s; naive found %d drifted,"
                    + " %d unknown%n", streamed / naiveSeconds, Runtime.getRuntime().maxMemory() >> 20,
                    report.get("status"), report.get("scanned"), report.get("drift"), naive[0], naive[1]);
        }
    }

    /** Subjects p0..p(n-1), each with a sealed e-mail identity and an email_marketing grant, like the register's own. */
    static void seed(HikariDataSource ds, KeyRing keys, int n) throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int from = 0; from < n; from += 5000) {
                try (PreparedStatement s = c.prepareStatement("insert into subject (id, data_key, created_at) values (?, ?, ?)");
                        PreparedStatement i = c.prepareStatement("insert into subject_identity (lookup_hash, subject_id,"
                                + " kind, sealed_value) values (?, ?, 'EMAIL', ?)");
                        PreparedStatement e = c.prepareStatement("insert into consent_event (id, subject_id, purpose,"
                                + " status, lawful_basis, source, captured_at, recorded_at) values (?, ?, 'email_marketing',"
                                + " 'granted', 'consent', 'bench', ?, ?)")) {
                    for (int k = from; k < Math.min(n, from + 5000); k++) {
                        String id = UUID.randomUUID().toString();
                        String email = "p" + k + "@bench.example.com";
                        KeyRing.DataKey key = keys.newDataKey(id);
                        s.setString(1, id);
                        s.setBytes(2, key.wrapped());
                        s.setObject(3, now);
                        s.addBatch();
                        i.setString(1, keys.lookupHash(IdentityKind.EMAIL, email));
                        i.setString(2, id);
                        i.setBytes(3, key.key().seal(email, id + "/EMAIL"));
                        i.addBatch();
                        e.setString(1, UUID.randomUUID().toString());
                        e.setString(2, id);
                        e.setObject(3, now);
                        e.setObject(4, now);
                        e.addBatch();
                    }
                    s.executeBatch();
                    i.executeBatch();
                    e.executeBatch();
                }
                c.commit();
            }
        }
    }

    /** The vendor side: n contacts, 1 % unsubscribed (vendor_optout drift), 0.1 % unknown to the register. */
    static VendorContact contact(int k) {
        if (k % 1000 == 999) {
            return new VendorContact("x" + k + "@bench.example.com", VendorContact.State.SUBSCRIBED);
        }
        return new VendorContact("p" + k + "@bench.example.com",
                k % 100 == 7 ? VendorContact.State.UNSUBSCRIBED : VendorContact.State.SUBSCRIBED);
    }

    static Connectors benchConnector(int n) throws Exception {
        Path dir = Files.createTempDirectory("lethe-bench-connectors-");
        Files.writeString(dir.resolve("bench.yaml"), """
                id: bench
                title: Generated vendor
                category: marketing
                identity: email
                parameters: {}
                purposes:
                  email_marketing: optOut
                client:
                  baseUrl: "http://127.0.0.1:9"
                  auth: {type: none}
                operations:
                  optOut:
                    batchMax: 100
                    request: {method: POST, path: /none}
                """);
        return Connectors.load(dir, "bench", new DescriptorValidator(Set.of(), Set.of("email_marketing")),
                key -> "");
    }

    /** Everyone's lookup hash and current state in a HashMap, then one probe per vendor contact. */
    static long[] naiveJoin(HikariDataSource ds, KeyRing keys, int n) throws Exception {
        Map<String, String> stateByHash = new HashMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("select i.lookup_hash, e.status"
                + " from subject_identity i join consent_event e on e.subject_id = i.subject_id"
                + " where e.purpose = 'email_marketing'")) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stateByHash.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        long drifted = 0;
        long unknown = 0;
        for (int k = 0; k < n; k++) {
            VendorContact v = contact(k);
            String state = stateByHash.get(keys.lookupHash(IdentityKind.EMAIL, v.email()));
            if (state == null) {
                unknown++;
            } else if (v.state() == VendorContact.State.UNSUBSCRIBED && state.equals("granted")) {
                drifted++;
            }
        }
        return new long[] {drifted, unknown};
    }

    static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static long heapPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private ReconcileBenchmark() {
    }
}
