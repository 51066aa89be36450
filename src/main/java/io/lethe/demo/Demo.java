package io.lethe.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import io.lethe.api.ApiKeys;
import org.apache.camel.main.Main;

/**
 * {@code java -jar target/lethe.jar demo}: the hub with built-in vendor sandboxes on loopback (HubSpot, Mailchimp,
 * Salesforce) holding seed contacts, its own register under {@code ./data/demo}, and a fresh admin key printed at
 * start, so a newcomer can watch an opt-out travel end to end.
 */
public final class Demo {

    static final int HUBSPOT_PORT = 18081;
    static final int MAILCHIMP_PORT = 18082;
    static final int SALESFORCE_PORT = 18083;
    static final List<String> SEED = List.of("ann@example.com", "bo@example.com", "cy@example.com");

    private Demo() {
    }

    /** Starts the sandboxes and points the hub's connector settings at them. */
    public static void configure(Main main, PrintStream console) throws IOException {
        HubSpotSandbox hubspot = new HubSpotSandbox(HUBSPOT_PORT);
        MailchimpSandbox mailchimp = new MailchimpSandbox(MAILCHIMP_PORT, "demo-list");
        SalesforceSandbox salesforce = new SalesforceSandbox(SALESFORCE_PORT);
        for (String email : SEED) {
            hubspot.seed(email);
            mailchimp.seed("demo-list", email);
            salesforce.seed(email);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String adminKey = "lethe_demo_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);

        main.addOverrideProperty("lethe.data-dir", "./data/demo");
        main.addOverrideProperty("lethe.db.url",
                "jdbc:h2:file:./data/demo/lethe;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;CACHE_SIZE=65536;DB_CLOSE_ON_EXIT=FALSE");
        main.addOverrideProperty("lethe.api-keys", "demo-admin:admin:" + ApiKeys.sha256Hex(adminKey));
        main.addOverrideProperty("lethe.connectors", "hubspot,mailchimp,salesforce");
        main.addOverrideProperty("lethe.hubspot.base-url", hubspot.baseUrl());
        main.addOverrideProperty("lethe.hubspot.token", HubSpotSandbox.TOKEN);
        main.addOverrideProperty("lethe.mailchimp.base-url", mailchimp.baseUrl() + "/3.0");
        main.addOverrideProperty("lethe.mailchimp.api-key", MailchimpSandbox.API_KEY);
        main.addOverrideProperty("lethe.mailchimp.list-ids", "demo-list");
        main.addOverrideProperty("lethe.salesforce.login-url", salesforce.baseUrl());
        main.addOverrideProperty("lethe.salesforce.client-id", SalesforceSandbox.CLIENT_ID);
        main.addOverrideProperty("lethe.salesforce.client-secret", SalesforceSandbox.CLIENT_SECRET);
        main.addOverrideProperty("lethe.salesforce.refresh-token", SalesforceSandbox.REFRESH_TOKEN);

        console.println();
        console.println("  Lethe demo: vendor sandboxes on loopback, seeded with " + String.join(", ", SEED));
        console.println("    HubSpot     " + hubspot.baseUrl() + "/_sandbox/contacts");
        console.println("    Mailchimp   " + mailchimp.baseUrl() + "/_sandbox/contacts");
        console.println("    Salesforce  " + salesforce.baseUrl() + "/_sandbox/contacts");
        console.println();
        console.println("  Admin API key for this run:");
        console.println("    export KEY=" + adminKey);
        console.println();
        console.println("  See README.md, section Demo, for commands to try.");
        console.println();
    }
}
