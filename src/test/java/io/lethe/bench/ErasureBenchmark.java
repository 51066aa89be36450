package io.lethe.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.demo.sandbox.Behaviours;
import io.lethe.demo.sandbox.Ga4Behaviour;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.demo.sandbox.VendorBehaviour;
import io.lethe.support.Addresses;
import io.lethe.support.ApiClient;
import io.lethe.support.HubProcess;
import io.lethe.support.TestDatabase;

/**
 * Erasure benchmark (docs/benchmarks.md, "Erasure"): N people held by every vendor sandbox of the demo
 * ({@link Behaviours#all()}: the same strict behaviours the tests run against, with their asynchronous jobs finishing
 * by themselves), N erasure requests filed with an admin key to a {@code java -jar} hub with every API connector
 * enabled. Reports per vendor the calls the sandboxes answered (log-ins apart, job polls apart) against the minimum
 * the documented batch limits allow and against one-subject-at-a-time, and the time from the first POST until every
 * request is {@code completed} against the floor the declared rate limits set. Arguments: [erasures] [h2|postgres]
 * (defaults 1000, h2; postgres needs LETHE_TEST_PG_URL). Job polling: LETHE_JOBS_FIRST_POLL_AFTER and
 * LETHE_JOBS_MAX_POLL_INTERVAL from the environment, else 5s and 5s.
 */
public final class ErasureBenchmark {

    /** GA4's declared quota (connectors/ga4.yaml, erase: quota {ids: 500, per: day}): beyond it commands wait a day. */
    static final int GA4_DAILY_QUOTA = 500;
    /** Vendor statuses that end a vendor's part of a request. */
    static final Set<String> FINAL = Set.of("completed", "verified", "not_found", "skipped", "failed",
            "action_required");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        boolean postgres = args.length > 1 && args[1].equals("postgres");
        List<String> emails = Addresses.realistic(n, "erase");
        List<String> externalIds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            externalIds.add(String.format(Locale.ROOT, "crm-%07d", i));
        }

        // Every vendor sandbox, each holding every person; each call's moment kept (the vendor's last call).
        Map<String, SandboxServer> sandboxes = new LinkedHashMap<>();
        Map<String, AtomicLong> lastCall = new ConcurrentHashMap<>();
        Map<String, String> env = new HashMap<>();
        for (Map.Entry<String, Supplier<VendorBehaviour>> e : Behaviours.all().entrySet()) {
            VendorBehaviour behaviour = e.getValue().get();
            for (int i = 0; i < n; i++) {
                behaviour.seed(emails.get(i), externalIds.get(i));
            }
            SandboxServer server = SandboxServer.start(behaviour);
            AtomicLong last = new AtomicLong();
            lastCall.put(e.getKey(), last);
            server.onRequest(r -> last.set(System.currentTimeMillis()));
            sandboxes.put(e.getKey(), server);
            behaviour.hubSettings(server.baseUrl()).forEach((k, v) -> env.put(variable(k), v));
        }
        Ga4Behaviour ga4 = (Ga4Behaviour) sandboxes.get("ga4").behaviour();
        env.put("LETHE_CONNECTORS", String.join(",", sandboxes.keySet()));
        env.put("LETHE_DPO_EMAIL", "dpo@bench.example.com");   // Amplitude's requester
        // An operator's bulk filing: the per-key abuse limit on filings (30 a minute) is off for the run.
        env.put("LETHE_API_RATE_LIMIT_FILINGS_PER_MINUTE", "0");
        // The sandboxes' jobs finish within seconds (Segment, Mixpanel, Amplitude 20 s, SendGrid 10 s): poll as often.
        String firstPoll = System.getenv().getOrDefault("LETHE_JOBS_FIRST_POLL_AFTER", "5s");
        String maxPoll = System.getenv().getOrDefault("LETHE_JOBS_MAX_POLL_INTERVAL", "5s");
        env.put("LETHE_JOBS_FIRST_POLL_AFTER", firstPoll);
        env.put("LETHE_JOBS_MAX_POLL_INTERVAL", maxPoll);
        env.put("LETHE_JOBS_CHECK_MS", "1000");
        // Braze's and Klaviyo's queued deletions land 20 s after the call in their sandboxes (minutes at the vendors,
        // hence the files' 5 and 2 minutes): the first later read-back 30 s after, so it finds them gone. Klaviyo's
        // read-backs keep the file's gathering (2 minutes), which lets them fill calls of 100.
        for (String vendor : List.of("BRAZE", "KLAVIYO")) {
            env.put("LETHE_" + vendor + "_VERIFY_AFTER", System.getenv().getOrDefault("LETHE_" + vendor + "_VERIFY_AFTER", "PT30S"));
            env.put("LETHE_" + vendor + "_VERIFY_EVERY", System.getenv().getOrDefault("LETHE_" + vendor + "_VERIFY_EVERY", "PT30S"));
        }
        if (postgres) {
            TestDatabase db = TestDatabase.postgres();
            env.put("LETHE_DB_URL", db.url());
            env.put("LETHE_DB_USER", db.user());
            env.put("LETHE_DB_PASSWORD", db.password());
        }
        HttpClient http = HttpClient.newHttpClient();
        java.nio.file.Path log = Files.createTempFile("lethe-erasure-", ".log");
        try (HubProcess hub = HubProcess.start(env, log)) {
            hub.awaitHealthy(http);
            ApiClient api = new ApiClient(hub.port);

            // The register knows each person by e-mail and externalId (the analytics tools find people by the latter).
            for (int from = 0; from < n; from += 1000) {
                StringBuilder b = new StringBuilder("{\"events\":[");
                for (int i = from; i < Math.min(n, from + 1000); i++) {
                    b.append(i == from ? "" : ",").append("{\"subject\":{\"email\":\"").append(emails.get(i))
                            .append("\",\"externalId\":\"").append(externalIds.get(i))
                            .append("\"},\"purpose\":\"analytics\",\"status\":\"granted\"}");
                }
                ApiClient.Response r = api.post("/api/v1/consents/batch", HubProcess.KEY, b.append("]}").toString());
                check(r.status() < 300, "consent batch: " + r.status() + " " + r.body());
            }
            awaitQuiet(api, sandboxes);
            Map<String, Integer> journalFrom = new LinkedHashMap<>();
            sandboxes.forEach((id, s) -> journalFrom.put(id, s.requests().size()));

            // N erasures, one POST each, as an intake would file them.
            long t0 = System.currentTimeMillis();
            List<String> requestIds = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ApiClient.Response r = api.post("/api/v1/requests", HubProcess.KEY,
                        "{\"type\":\"erasure\",\"regulation\":\"gdpr\",\"subject\":{\"email\":\"" + emails.get(i) + "\"}}");
                check(r.status() == 202, "filing: " + r.status() + " " + r.body());
                requestIds.add(r.json().path("requestId").asText());
            }
            long filed = System.currentTimeMillis() - t0;

            // Until every request is completed (or, past GA4's daily quota, waits only for GA4's next day).
            Map<String, Map<String, Integer>> vendorStatuses = new TreeMap<>();
            Map<String, Integer> requestStatuses = new TreeMap<>();
            long deadline = t0 + Long.getLong("erasure.timeout-minutes", 60) * 60_000;
            int deferredByQuota = 0;
            int staleStatuses = 0;
            for (String id : requestIds) {
                while (true) {
                    ApiClient.Response answer = api.get("/api/v1/requests/" + id, HubProcess.KEY);
                    check(answer.status() == 200, "request " + answer.status());
                    JsonNode req = answer.json();
                    String status = req.path("status").asText();
                    // Past GA4's quota a request waits for GA4's next day. Its other vendors are done when they
                    // say so, or (a hand-off the life cycle missed: the request shows a status older than the sync
                    // log's until every command is finished) when no other sandbox has been called for 90 s (longer
                    // than a 429's wait in a minute window: 20 s once ended a 1,000 run while Klaviyo waited one out).
                    boolean ga4Deferred = status.equals("in_progress") && ga4Open(req)
                            && ga4.deletionRequested().size() >= GA4_DAILY_QUOTA
                            && (onlyGa4Open(req) || othersIdleFor(lastCall, 90_000));
                    if (ga4Deferred && !onlyGa4Open(req)) {
                        staleStatuses++;
                    }
                    if (!status.equals("pending") && !status.equals("in_progress") || ga4Deferred
                            || System.currentTimeMillis() > deadline) {
                        requestStatuses.merge(ga4Deferred ? "in_progress (GA4 quota: next day)" : status, 1, Integer::sum);
                        deferredByQuota += ga4Deferred ? 1 : 0;
                        for (JsonNode v : req.path("vendors")) {
                            vendorStatuses.computeIfAbsent(v.path("vendor").asText(), k -> new TreeMap<>())
                                    .merge(v.path("status").asText(), 1, Integer::sum);
                        }
                        break;
                    }
                    Thread.sleep(250);
                }
            }
            long wall = System.currentTimeMillis() - t0;
            long lastVendorCall = lastCall.entrySet().stream().filter(e -> !e.getKey().equals("ga4") || n <= GA4_DAILY_QUOTA)
                    .mapToLong(e -> e.getValue().get()).max().orElse(t0) - t0;
            System.out.printf(Locale.ROOT, "%nLast call at a vendor (GA4 counted when under its quota) %.1f s after the"
                    + " first POST; requests showing a vendor status the sync log has moved past: %d%n",
                    lastVendorCall / 1000.0, staleStatuses);

            int literalChars = emails.stream().mapToInt(e -> e.length() + 3).sum();
            report(n, literalChars, sandboxes, journalFrom, lastCall, t0, filed, wall, requestStatuses, vendorStatuses,
                    deferredByQuota, firstPoll, maxPoll, postgres);
            System.out.println("Hub log: " + log);
        } finally {
            sandboxes.values().forEach(SandboxServer::close);
        }
    }

    static boolean ga4Open(JsonNode request) {
        for (JsonNode v : request.path("vendors")) {
            if (v.path("vendor").asText().equals("ga4")) {
                return !FINAL.contains(v.path("status").asText());
            }
        }
        return false;
    }

    static boolean othersIdleFor(Map<String, AtomicLong> lastCall, long millis) {
        long now = System.currentTimeMillis();
        return lastCall.entrySet().stream().filter(e -> !e.getKey().equals("ga4"))
                .allMatch(e -> e.getValue().get() < now - millis);
    }

    /** True when every vendor but GA4 is done with the request and GA4's part is still open. */
    static boolean onlyGa4Open(JsonNode request) {
        boolean ga4Open = false;
        for (JsonNode v : request.path("vendors")) {
            boolean open = !FINAL.contains(v.path("status").asText());
            if (v.path("vendor").asText().equals("ga4")) {
                ga4Open = open;
            } else if (open) {
                return false;
            }
        }
        return ga4Open;
    }

    /** Seeding is over: no connector has pending commands and no sandbox was called for two seconds. */
    static void awaitQuiet(ApiClient api, Map<String, SandboxServer> sandboxes) throws InterruptedException {
        int before = -1;
        while (true) {
            int calls = sandboxes.values().stream().mapToInt(SandboxServer::calls).sum();
            boolean pending = false;
            for (JsonNode c : api.get("/api/v1/connectors", HubProcess.KEY).json()) {
                pending |= c.path("pending").asInt() > 0;
            }
            if (!pending && calls == before) {
                return;
            }
            before = calls;
            Thread.sleep(2000);
        }
    }

    private static void report(int n, int literalChars, Map<String, SandboxServer> sandboxes, Map<String, Integer> journalFrom,
            Map<String, AtomicLong> lastCall, long t0, long filed, long wall, Map<String, Integer> requestStatuses,
            Map<String, Map<String, Integer>> vendorStatuses, int deferredByQuota, String firstPoll, String maxPoll,
            boolean postgres) {
        int ga4Erased = Math.min(n, GA4_DAILY_QUOTA);
        System.out.println();
        System.out.printf("%d erasures, %s, request window %s, job polls first after %s, then at most every %s%n", n,
                postgres ? "PostgreSQL" : "H2", System.getenv().getOrDefault("LETHE_DISPATCH_REQUEST_WINDOW",
                        "60s (default)"), firstPoll, maxPoll);
        System.out.println("| vendor | calls | of which job polls | log-ins | minimum (polls) | ratio | ratio without polls"
                + " | one at a time | calls / one at a time | last call after | rate-limit floor |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        int allCalls = 0;
        int allMin = 0;
        int allOne = 0;
        double floorMax = 0;
        String floorBy = "";
        Map<String, Map<String, Integer>> byEndpoint = new LinkedHashMap<>();
        for (Map.Entry<String, SandboxServer> e : sandboxes.entrySet()) {
            String vendor = e.getKey();
            List<SandboxRequest> journal = e.getValue().requests();
            journal = journal.subList(journalFrom.get(vendor), journal.size());
            int logins = 0;
            int polls = 0;
            Map<String, Integer> endpoints = new TreeMap<>();
            for (SandboxRequest r : journal) {
                String endpoint = r.method() + " " + normalise(r.path());
                endpoints.merge(endpoint, 1, Integer::sum);
                if (isLogin(r)) {
                    logins++;
                } else if (isJobPoll(vendor, r)) {
                    polls++;
                }
            }
            byEndpoint.put(vendor, endpoints);
            int calls = journal.size() - logins;
            int erasing = vendor.equals("ga4") ? ga4Erased : n;
            Minimum min = Minimum.of(vendor, erasing, literalChars);
            double floor = min.floorSeconds();
            if (floor > floorMax) {
                floorMax = floor;
                floorBy = vendor;
            }
            allCalls += calls;
            allMin += min.calls() + min.polls();
            allOne += min.oneAtATime();
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d (%d) | %.2f | %.2f | %d | %.3f | %.1f s | %.1f s |%n",
                    vendor, calls, polls, logins, min.calls() + min.polls(), min.polls(),
                    ratio(calls, min.calls() + min.polls()), ratio(calls - polls, min.calls()), min.oneAtATime(),
                    ratio(calls, min.oneAtATime()), lastCall.get(vendor).get() < t0 ? 0.0
                            : (lastCall.get(vendor).get() - t0) / 1000.0, floor);
        }
        System.out.printf(Locale.ROOT, "| all | %d | | | %d | %.2f | | %d | %.3f | | |%n%n", allCalls, allMin,
                ratio(allCalls, allMin), allOne, ratio(allCalls, allOne));
        System.out.printf(Locale.ROOT, "Filing %d requests took %.1f s; every request completed%s after %.1f s; rate-limit"
                + " floor %.1f s (%s); ratio %.2f%n", n, filed / 1000.0,
                deferredByQuota > 0 ? " (or waits only for GA4's next-day quota: " + deferredByQuota + ")" : "",
                wall / 1000.0, floorMax, floorBy, wall / 1000.0 / floorMax);
        System.out.println("Requests: " + requestStatuses);
        vendorStatuses.forEach((v, s) -> System.out.println("  " + v + ": " + s));
        System.out.println("Calls per endpoint (ids as {id}):");
        byEndpoint.forEach((v, m) -> System.out.println("  " + v + ": " + m));
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** Log-ins are counted apart: Salesforce's OAuth token, GA4's JWT bearer grant. */
    static boolean isLogin(SandboxRequest r) {
        return r.path().equals("/services/oauth2/token") || r.path().equals("/token");
    }

    /** The status operations of connectors/*.yaml that poll asynchronous jobs. */
    static boolean isJobPoll(String vendor, SandboxRequest r) {
        if (!r.method().equals("GET")) {
            return false;
        }
        String p = normalise(r.path());
        return switch (vendor) {
            case "segment" -> p.equals("/regulations/{id}");
            case "mixpanel" -> p.endsWith("/data-deletions/v3.0/{id}");
            case "amplitude" -> p.equals("/api/2/deletions/users");
            case "sendgrid" -> p.equals("/v3/marketing/contacts/imports/{id}");
            default -> false;
        };
    }

    /** Path segments that are ids (hashes, UUIDs, vendor ids: 16 characters or more with a digit) become {id}. */
    static String normalise(String path) {
        return String.join("/", java.util.Arrays.stream(path.split("/", -1))
                .map(s -> s.length() >= 16 && s.chars().anyMatch(Character::isDigit) ? "{id}" : s).toList());
    }

    /**
     * The fewest calls the documented batch limits allow for n erasures of people each held once (polls: one per job
     * those calls create, the earliest a poll can say done), the calls one subject at a time would need, and the
     * shortest time the declared rate limits allow for the minimum calls. Queued deletions (Braze, Klaviyo) count
     * their later read-back, once (the deletion has run by then). {@code literalChars}: the n addresses' length as
     * SOQL literals (quotes and comma), which bounds Salesforce's look-ups.
     */
    record Minimum(int calls, int polls, int oneAtATime, double floorSeconds) {

        static Minimum of(String vendor, int n, int literalChars) {
            return switch (vendor) {
                // erase: one gdpr-delete per address; read-back: batch/read of 100. 100 requests per 10 s.
                case "hubspot" -> new Minimum(n + ceil(n, 100), 0, 2 * n, window(n + ceil(n, 100), 100, 10));
                // delete-permanent and the read-back are per member (the hash is in the path), one list.
                // No published rate: the engine's bound for unpublished rates, 100 calls a second.
                case "mailchimp" -> new Minimum(2 * n, 0, 2 * n, window(2 * n, 100, 1));
                // Composite calls: the look-up (a Contact and a Lead query per part of at most 2,000 addresses and
                // 90,000 characters of literals, two parts a call: at most 5 queries; at most 3,500 addresses a call),
                // the deletes (five collections of 200 ids: 1,000 a call; each person is one record here) and the
                // look-up again as read-back. 50 a second (the file's own guard).
                case "salesforce" -> {
                    int parts = Math.max(ceil(n, 2000), ceil(literalChars, 90_000));
                    int lookups = Math.max(ceil(n, 3500), ceil(parts, 2));
                    int calls = 2 * lookups + ceil(n, 1000);
                    yield new Minimum(calls, 0, 5 * n, window(calls, 50, 1));
                }
                // /users/delete takes 50 addresses (20,000 a minute); the later read-back is one /users/export/ids
                // per address (email_address is a single string), 250 a minute.
                case "braze" -> new Minimum(ceil(n, 50) + n, 0, 2 * n,
                        Math.max(window(ceil(n, 50), 20_000, 60), window(n, 250, 60)));
                // one deletion job per address, 3 a second and 60 a minute; the later read-back finds 100 addresses
                // a GET /api/profiles (any(email,[...]), a page of 100; 100 realistic addresses fit 8,000 characters).
                case "klaviyo" -> new Minimum(n + ceil(n, 100), 0, 2 * n, Math.max(window(n, 3, 1), window(n, 60, 60)));
                // one erase job of 5,000 (256 KB), contacts found by 100 and deleted by 100 ids in an async job each,
                // each job polled once; the erase job 100 a minute, the rest 10 a second.
                case "sendgrid" -> new Minimum(ceil(n, 5000) + 2 * ceil(n, 100), ceil(n, 100), 4 * n,
                        window(2 * ceil(n, 100) + ceil(n, 100), 10, 1));
                // findContacts by 50 (IN), one DELETE per contact, read-back by 50; 1,600 per 10 s.
                case "intercom" -> new Minimum(n + 2 * ceil(n, 50), 0, 3 * n, window(n + 2 * ceil(n, 50), 1600, 10));
                // one SUPPRESS_WITH_DELETE regulation of 5,000 ids, its status polled; 600 a minute.
                case "segment" -> new Minimum(ceil(n, 5000), ceil(n, 5000), 2 * n, window(ceil(n, 5000), 600, 60));
                // one deletion task of 1,999 ids, polled; one request a second.
                case "mixpanel" -> new Minimum(ceil(n, 1999), ceil(n, 1999), 2 * n, window(2 * ceil(n, 1999), 1, 1));
                // deletions of 100 ids, all in the day's one job, polled once; one request a second.
                case "amplitude" -> new Minimum(ceil(n, 100), 1, 2 * n, window(ceil(n, 100) + 1, 1, 1));
                // one upsert per id; 1.5 a second (3 per 2 s); n here is what the daily quota lets through.
                case "ga4" -> new Minimum(n, 0, n, window(n, 3, 2));
                // the in-house receiver: 100 commands a batch, 10 calls a second.
                case "webhook" -> new Minimum(ceil(n, 100), 0, n, window(ceil(n, 100), 10, 1));
                default -> throw new IllegalArgumentException(vendor);
            };
        }

        /** c calls under r per p seconds: the c-th can go no earlier than (⌈c/r⌉ − 1) windows after the first. */
        static double window(int c, int r, double p) {
            return c == 0 ? 0 : (ceil(c, r) - 1) * p;
        }
    }

    /** LETHE_HUBSPOT_BASE_URL for lethe.hubspot.base-url. */
    private static String variable(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private ErasureBenchmark() {
    }
}
