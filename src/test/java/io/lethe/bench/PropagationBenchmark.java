package io.lethe.bench;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import java.util.function.Function;
import java.util.function.IntSupplier;

import io.lethe.demo.sandbox.HubSpotBehaviour;
import io.lethe.demo.sandbox.MailchimpBehaviour;
import io.lethe.demo.sandbox.SalesforceBehaviour;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.support.ApiClient;
import io.lethe.support.HubProcess;
import io.lethe.support.TestDatabase;

/**
 * Propagation benchmark (docs/benchmarks.md): opt-outs from a {@code java -jar} hub to the HubSpot, Mailchimp and
 * Salesforce sandboxes, which enforce the vendors' real limits (HubSpot 100 requests / 10 s with 429, 100 inputs per
 * batch; Mailchimp 500 members per batch, 10 connections; Salesforce 200 records per collection, Composite calls of
 * 25 sub-requests with at most 5 queries or collections, 100,000-character SOQL). Reports vendor calls against the
 * minimum the documented limits allow, wall time against the rate-limit floor, the latency of a single opt-out when
 * the hub is idle (the first after start apart, with each vendor's time), and the load average. Arguments: [opt-outs] [idle samples] [h2|postgres] (defaults 10000, 40, h2;
 * postgres needs LETHE_TEST_PG_URL).
 */
public final class PropagationBenchmark {

    public static void main(String[] args) throws Exception {
        int people = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        HubSpotBehaviour hubspotVendor = new HubSpotBehaviour();
        MailchimpBehaviour mailchimpVendor = new MailchimpBehaviour(MailchimpBehaviour.DEMO_KEY, "bench-list");
        SandboxServer hubspot = SandboxServer.start(hubspotVendor);
        SandboxServer mailchimp = SandboxServer.start(mailchimpVendor);
        SalesforceBehaviour salesforceVendor = new SalesforceBehaviour();
        SandboxServer salesforce = SandboxServer.start(salesforceVendor);
        // Each vendor's call counter and the moment it first held an address's opt-out.
        List<Probe> all = List.of(new Probe(hubspot::calls, hubspotVendor::optedOutAt),
                new Probe(mailchimp::calls, mailchimpVendor::optedOutAt), new Probe(salesforce::calls, salesforceVendor::optedOutAt));
        // Addresses as users have them: 25-64 characters, some of 254 (support/Addresses)
        List<String> emails = io.lethe.support.Addresses.realistic(people + samples, "bench");
        for (int i = 0; i < people + samples; i++) {
            String email = emails.get(i);
            hubspotVendor.seed(email, (String) null);
            mailchimpVendor.seed(email, null);
            salesforceVendor.seed(email, null);
        }
        Map<String, String> env = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("LETHE_CONNECTORS", "hubspot,mailchimp,salesforce"),
                // on a loaded machine a batch of 1,000 may take over the default 30 s of silence to answer
                Map.entry("LETHE_HTTP_IDLE_TIMEOUT_MS", "300000")));
        salesforceVendor.hubSettings(salesforce.baseUrl()).forEach((k, v) -> env.put(variable(k), v));
        hubspotVendor.hubSettings(hubspot.baseUrl()).forEach((k, v) -> env.put(variable(k), v));
        mailchimpVendor.hubSettings(mailchimp.baseUrl()).forEach((k, v) -> env.put(variable(k), v));
        if (args.length > 2 && args[2].equals("postgres")) {
            TestDatabase db = TestDatabase.postgres();
            env.put("LETHE_DB_URL", db.url());
            env.put("LETHE_DB_USER", db.user());
            env.put("LETHE_DB_PASSWORD", db.password());
        }
        HttpClient http = HttpClient.newHttpClient();
        try (HubProcess hub = HubProcess.start(env, Files.createTempFile("lethe-propagation-", ".log"))) {
            hub.awaitHealthy(http);
            ApiClient api = new ApiClient(hub.port, java.time.Duration.ofMinutes(5)); // a shared, loaded machine

            // 1. Latency of a single opt-out when idle: POST until every vendor holds it.
            List<Long> latencies = new ArrayList<>();
            List<String> breakdown = new ArrayList<>(); // per sample: the POST's own time and each vendor's
            for (int i = people; i < people + samples; i++) {
                String email = emails.get(i);
                long t0 = System.currentTimeMillis();
                api.post("/api/v1/consents", HubProcess.KEY, withdrawal(email));
                long posted = System.currentTimeMillis() - t0;
                while (all.stream().anyMatch(s -> s.optedOutAt(email) == null)) {
                    Thread.sleep(5);
                }
                latencies.add(all.stream().mapToLong(s -> s.optedOutAt(email)).max().orElseThrow() - t0);
                breakdown.add("sample " + (i - people + 1) + ": POST answered after " + posted + " ms; HubSpot "
                        + (all.get(0).optedOutAt(email) - t0) + ", Mailchimp " + (all.get(1).optedOutAt(email) - t0)
                        + ", Salesforce " + (all.get(2).optedOutAt(email) - t0) + " ms");
                Thread.sleep(1500); // idle again: the next sample starts with nothing pending
            }
            List<Long> inOrder = new ArrayList<>(latencies);

            // 2. Throughput: people opt-outs in batches of 1000, until every vendor holds every one.
            int[] before = all.stream().mapToInt(p -> p.calls().getAsInt()).toArray();
            long t0 = System.currentTimeMillis();
            for (int from = 0; from < people; from += 1000) {
                StringBuilder b = new StringBuilder("{\"events\":[");
                for (int i = from; i < Math.min(people, from + 1000); i++) {
                    b.append(i == from ? "" : ",").append(withdrawal(emails.get(i)));
                }
                api.post("/api/v1/consents/batch", HubProcess.KEY, b.append("]}").toString());
            }
            long ingested = System.currentTimeMillis() - t0;
            for (Probe s : all) {
                for (int i = 0; i < people; i++) {
                    while (s.optedOutAt(emails.get(i)) == null) {
                        Thread.sleep(20);
                    }
                }
            }
            long wall = System.currentTimeMillis() - t0;

            int hubspotCalls = hubspot.calls() - before[0]; // every answered call, 429s included
            int mailchimpCalls = mailchimp.calls() - before[1];
            int salesforceCalls = salesforce.calls() - before[2];
            int hubspotMin = ceil(people, 100);
            int mailchimpMin = ceil(people, 500);
            // Salesforce's documented floor: each person is one Contact, and a Composite call changes at most 1,000
            // records (five collections of 200); look-ups need each address as a SOQL literal twice (Contact and
            // Lead queries), and a Composite call holds at most 5 queries of at most 100,000 characters.
            long literals = emails.subList(0, people).stream().mapToLong(e -> e.length() + 3).sum();
            int salesforceMin = ceil(people, 1000) + (int) Math.ceil(2.0 * literals / 500_000);
            double floorSeconds = hubspotMin * 10.0 / 100; // HubSpot: 100 requests per 10 s sustained
            Collections.sort(latencies);
            System.out.println();
            System.out.printf("| vendor | calls | minimum under batch limits | ratio |%n|---|---|---|---|%n");
            System.out.printf("| HubSpot | %d | %d | %.2f |%n", hubspotCalls, hubspotMin, (double) hubspotCalls / hubspotMin);
            System.out.printf("| Mailchimp | %d | %d | %.2f |%n", mailchimpCalls, mailchimpMin,
                    (double) mailchimpCalls / mailchimpMin);
            System.out.printf("| Salesforce | %d | %d | %.2f |%n", salesforceCalls, salesforceMin,
                    (double) salesforceCalls / salesforceMin);
            int total = hubspotCalls + mailchimpCalls + salesforceCalls;
            int min = hubspotMin + mailchimpMin + salesforceMin;
            System.out.printf("| all | %d | %d | %.2f |%n%n", total, min, (double) total / min);
            System.out.printf("%d opt-outs: ingest %.1f s, every vendor holds every one after %.1f s; rate-limit floor"
                    + " %.1f s (HubSpot %d calls at 100 per 10 s); ratio %.2f%n", people, ingested / 1000.0, wall / 1000.0,
                    floorSeconds, hubspotMin, wall / 1000.0 / floorSeconds);
            System.out.printf("Single opt-out when idle, POST to held by all three vendors, %d samples: median %d ms,"
                    + " p99 %d ms, max %d ms%n", latencies.size(), latencies.get(latencies.size() / 2),
                    latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1), latencies.get(latencies.size() - 1));
            // The first opt-out after start meets a cold hub (class loading, JIT, first connections): apart too.
            List<Long> warm = new ArrayList<>(inOrder.subList(1, inOrder.size()));
            Collections.sort(warm);
            System.out.printf("After the first (%d ms): %d samples, median %d ms, p99 %d ms, max %d ms%n",
                    inOrder.get(0), warm.size(), warm.get(warm.size() / 2),
                    warm.get((int) Math.ceil(warm.size() * 0.99) - 1), warm.get(warm.size() - 1));
            int slowest = inOrder.indexOf(latencies.get(latencies.size() - 1));
            System.out.println("slowest idle " + breakdown.get(slowest) + "; first " + breakdown.get(0));
            System.out.printf("load average at the end: %s%n",
                    Files.readString(java.nio.file.Path.of("/proc/loadavg")).strip());
        } finally {
            hubspot.close();
            mailchimp.close();
            salesforce.close();
        }
    }

    /** What the benchmark reads of one vendor. */
    private record Probe(IntSupplier calls, Function<String, Long> optedOutAt) {
        Long optedOutAt(String email) {
            return optedOutAt.apply(email);
        }
    }

    /** LETHE_HUBSPOT_BASE_URL for lethe.hubspot.base-url. */
    private static String variable(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(java.util.Locale.ROOT);
    }

    private static String withdrawal(String email) {
        return "{\"subject\":{\"email\":\"" + email + "\"},\"purpose\":\"email_marketing\",\"status\":\"withdrawn\"}";
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }

    private PropagationBenchmark() {
    }
}
