package io.lethe.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import io.lethe.api.ApiKeys;
import io.lethe.demo.sandbox.SandboxServer;
import org.apache.camel.main.Main;

/**
 * {@code java -jar target/lethe.jar demo}: the hub with built-in vendor sandboxes on loopback ({@link DemoVendors}:
 * one {@link SandboxServer} per vendor behaviour, the same behaviours the tests run against), each holding seed
 * contacts, its own register under {@code ./data/demo}, and a fresh admin key printed at start, so
 * a newcomer can watch an opt-out travel end to end. {@code GET /_sandbox/state} on each shows what that vendor holds.
 */
public final class Demo {

    static final List<String> SEED = List.of("ann@example.com", "bo@example.com", "cy@example.com");

    private Demo() {
    }

    /** Starts the sandboxes and points the hub's connector settings at them. */
    public static void configure(Main main, PrintStream console) throws IOException {
        DemoVendors vendors = DemoVendors.start(true, SEED);
        vendors.properties.forEach(main::addOverrideProperty);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String adminKey = "lethe_demo_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);

        main.addOverrideProperty("lethe.data-dir", "./data/demo");
        main.addOverrideProperty("lethe.db.url",
                "jdbc:h2:file:./data/demo/lethe;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;CACHE_SIZE=65536;DB_CLOSE_ON_EXIT=FALSE");
        main.addOverrideProperty("lethe.api-keys", "demo-admin:admin:" + ApiKeys.sha256Hex(adminKey));
        // the sandboxes' asynchronous jobs finish within seconds: poll them as often
        main.addOverrideProperty("lethe.jobs.first-poll-after", "10s");
        main.addOverrideProperty("lethe.jobs.max-poll-interval", "20s");
        main.addOverrideProperty("lethe.jobs.check-ms", "5000");
        // Braze's and Klaviyo's queued deletions land after about 20 s in their sandboxes: read them back as often
        for (String vendor : new String[] {"braze", "klaviyo"}) {
            main.addOverrideProperty("lethe." + vendor + ".verify-after", "PT10S");
            main.addOverrideProperty("lethe." + vendor + ".verify-every", "PT10S");
        }

        console.println();
        console.println("  Lethe demo: vendor sandboxes on loopback, seeded with " + String.join(", ", SEED));
        vendors.urls.forEach((vendor, url) -> console.printf("    %-11s %s/_sandbox/state%n", vendor, url));
        console.println();
        console.println("  Admin API key for this run:");
        console.println("    export KEY=" + adminKey);
        console.println();
        console.println("  Compliance console: http://localhost:" + main.getOverrideProperties()
                .getProperty("lethe.http.port", System.getenv().getOrDefault("LETHE_HTTP_PORT", "8080"))
                + "/console/ (sign in with this key)");
        console.println("  See README.md, section Demo, for commands to try.");
        console.println();
    }
}
