package io.lethe.support;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.demo.sandbox.HubSpotBehaviour;
import io.lethe.demo.sandbox.MailchimpBehaviour;
import io.lethe.demo.sandbox.SalesforceBehaviour;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.support.spec.SpecCheckedBehaviour;


/**
 * The vendors of the hub's tests, pointed at by the hub's connector settings: HubSpot and Mailchimp are the demo's
 * own {@link HubSpotBehaviour} and {@link MailchimpBehaviour} on a {@link SandboxServer} (one set of vendor
 * behaviours; tests read the journal and the vendor's state, and inject faults), Mailchimp's requests also checked
 * against Mailchimp's published spec; Salesforce is the demo's {@link SalesforceBehaviour} too. Tests seed the
 * people each vendor holds.
 */
public final class VendorFakes implements AutoCloseable {

    public static final String HUBSPOT_TOKEN = "hubspot-test-token";
    public static final String MAILCHIMP_KEY = "0123456789abcdef-us14";
    public static final String LIST_A = "list-a";
    public static final String LIST_B = "list-b";
    public static final String SF_API = "62.0";
    public static final String HUBSPOT_OPT_OUT = HubSpotBehaviour.OPT_OUT;
    public static final String HUBSPOT_GDPR_DELETE = HubSpotBehaviour.GDPR_DELETE;
    public static final String HUBSPOT_BATCH_UPDATE = HubSpotBehaviour.BATCH_UPDATE;
    public static final String HUBSPOT_BATCH_READ = HubSpotBehaviour.BATCH_READ;
    public static final String SF_QUERY = "/services/data/v" + SF_API + "/query";
    public static final String SF_COLLECTIONS = "/services/data/v" + SF_API + "/composite/sobjects";
    private static final ObjectMapper JSON = new ObjectMapper();

    public final HubSpotBehaviour hubspotVendor = new HubSpotBehaviour(HUBSPOT_TOKEN);
    public final MailchimpBehaviour mailchimpVendor = new MailchimpBehaviour(MAILCHIMP_KEY, LIST_A, LIST_B);
    /** Mailchimp's published spec in front of the behaviour. */
    public final SpecCheckedBehaviour mailchimpSpec = MailchimpSpec.checking(mailchimpVendor);
    public final SandboxServer hubspot = SandboxServer.start(hubspotVendor);
    public final SandboxServer mailchimp = SandboxServer.start(mailchimpSpec);
    public final SalesforceBehaviour salesforceVendor = new SalesforceBehaviour();
    public final SandboxServer salesforce = SandboxServer.start(salesforceVendor);

    public VendorFakes() {
        reset();
    }

    /** Back to the vendors' normal, healthy answers, holding nobody, with empty journals. */
    public void reset() {
        for (SandboxServer s : List.of(hubspot, mailchimp, salesforce)) {
            s.clearFaults();
            s.clearJournal();
        }
        hubspotVendor.reset();
        mailchimpVendor.reset();
        salesforceVendor.reset();
    }

    /** A Salesforce Contact that an erasure deletes (and its read-back then no longer finds). */
    public void salesforceErasableContact(String email, String contactId) {
        salesforceVendor.addContact(email, contactId, null);
    }

    /** A Salesforce Contact for an address, with its Individual when {@code individualId} is not null. */
    public void salesforceContact(String email, String contactId, String individualId) {
        salesforceVendor.addContact(email, contactId, individualId);
    }

    /** The bodies of the sObject collection sub-requests (PATCH or DELETE) of Salesforce's Composite calls. */
    public List<JsonNode> salesforceCollections(String method) {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (SandboxRequest r : salesforce.requests("POST", "/services/data/v" + SF_API + "/composite")) {
            for (JsonNode sub : json(r).path("compositeRequest")) {
                if (sub.path("method").asText().equals(method) && sub.path("url").asText().replaceAll("\\?.*", "")
                        .equals(SF_COLLECTIONS)) {
                    out.add(sub.path("body"));
                }
            }
        }
        return out;
    }

    /** The JSON body of a request a sandbox received. */
    public static JsonNode json(SandboxRequest request) {
        return json(request.bodyText());
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** HubSpot holds this contact, with a name (for access exports). */
    public void hubspotContact(String email) {
        hubspotVendor.seed(email, Map.of("firstname", "Ada", "lastname", "Byron"));
    }

    /** HubSpot and both Mailchimp lists hold this person (subscribed), as before an erasure. */
    public void heldByHubSpotAndMailchimp(String email) {
        hubspotVendor.seed(email, (String) null);
        mailchimpVendor.seed(email, null);
    }

    /** The POSTs HubSpot received at a path. */
    public List<SandboxRequest> hubspotPosts(String path) {
        return hubspot.requests("POST", path);
    }

    /** The batch subscribe/unsubscribe calls Mailchimp received for a list. */
    public List<SandboxRequest> mailchimpBatches(String list) {
        return mailchimp.requests("POST", "/3.0/lists/" + list);
    }

    /** Every matching HubSpot POST to this path gets this answer from now on (until {@link #reset()}). */
    public void hubspotAlways(String path, SandboxResponse answer) {
        hubspot.inject(r -> r.method().equals("POST") && r.path().equals(path), Integer.MAX_VALUE, answer);
    }

    /** Fails the test if the hub sent Mailchimp a request its published spec refuses. */
    public void assertSpecsHeld() {
        mailchimpSpec.assertNoViolations();
    }

    /** The hub's settings for all three connectors, pointing at these fakes. */
    public Properties hubProperties() {
        Properties p = new Properties();
        p.put("lethe.connectors", "hubspot,mailchimp,salesforce");
        p.put("lethe.hubspot.base-url", hubspot.baseUrl());
        p.put("lethe.hubspot.token", HUBSPOT_TOKEN);
        p.put("lethe.mailchimp.base-url", mailchimp.baseUrl() + "/3.0");
        p.put("lethe.mailchimp.api-key", MAILCHIMP_KEY);
        p.put("lethe.mailchimp.list-ids", LIST_A + "," + LIST_B);
        p.putAll(salesforceVendor.hubSettings(salesforce.baseUrl()));
        // Fast dispatch for tests: same logic, shorter clocks.
        p.put("lethe.dispatch.poll-ms", "50");
        p.put("lethe.dispatch.retry-delay-ms", "100");
        p.put("lethe.dispatch.max-in-place-wait-ms", "3000");
        p.put("lethe.dispatch.first-backoff-ms", "300");
        p.put("lethe.dispatch.max-backoff-ms", "1000");
        return p;
    }

    /** Stops the vendors; fails if the hub ever sent a request a published spec refuses. */
    @Override
    public void close() {
        hubspot.close();
        mailchimp.close();
        salesforce.close();
        assertSpecsHeld();
    }
}
