package io.lethe.support;

import java.util.Properties;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * WireMock fakes of HubSpot, Mailchimp and Salesforce that answer as the real APIs do (paths, bodies, status codes;
 * see shared/notes/vendor-apis.md), with the hub's connector settings pointing at them. Tests add faults on top.
 */
public final class VendorFakes implements AutoCloseable {

    public static final String HUBSPOT_TOKEN = "hubspot-test-token";
    public static final String MAILCHIMP_KEY = "0123456789abcdef-us14";
    public static final String LIST_A = "list-a";
    public static final String LIST_B = "list-b";
    public static final String SF_API = "62.0";
    public static final String HUBSPOT_OPT_OUT = "/communication-preferences/v4/statuses/batch/unsubscribe-all";
    public static final String HUBSPOT_GDPR_DELETE = "/crm/v3/objects/contacts/gdpr-delete";
    public static final String HUBSPOT_BATCH_UPDATE = "/crm/v3/objects/contacts/batch/update";
    public static final String HUBSPOT_BATCH_READ = "/crm/v3/objects/contacts/batch/read";
    public static final String SF_QUERY = "/services/data/v" + SF_API + "/query";
    public static final String SF_COLLECTIONS = "/services/data/v" + SF_API + "/composite/sobjects";

    static final com.github.tomakehurst.wiremock.matching.StringValuePattern HUBSPOT_BATCH_READ_SCHEMA =
            matchingJsonPath("$[?(@.inputs && @.properties && @.propertiesWithHistory)]");

    public final WireMockServer hubspot = new WireMockServer(options().dynamicPort());
    public final WireMockServer mailchimp = new WireMockServer(options().dynamicPort());
    /** People of the Salesforce org for tests with many of them (stubs opt in, see {@link SalesforcePeople}). */
    public final SalesforcePeople salesforcePeople = new SalesforcePeople();
    public final WireMockServer salesforce = new WireMockServer(options().dynamicPort()
            .jettyHeaderRequestSize(SalesforcePeople.MAX_URI + 1024).extensions(salesforcePeople));

    public VendorFakes() {
        hubspot.start();
        mailchimp.start();
        salesforce.start();
        reset();
    }

    /** Back to the vendors' normal, healthy answers. */
    public void reset() {
        hubspot.resetAll();
        mailchimp.resetAll();
        salesforce.resetAll();
        hubspot.stubFor(post(urlPathEqualTo(HUBSPOT_OPT_OUT)).withQueryParam("channel", equalTo("EMAIL"))
                .withHeader("Authorization", equalTo("Bearer " + HUBSPOT_TOKEN))
                .willReturn(okJson("{\"status\":\"COMPLETE\",\"results\":[],\"requestedAt\":\"2026-11-29T10:00:00Z\","
                        + "\"startedAt\":\"2026-11-29T10:00:00Z\",\"completedAt\":\"2026-11-29T10:00:00Z\"}")));
        for (String list : new String[] {LIST_A, LIST_B}) {
            mailchimp.stubFor(post(urlPathEqualTo("/3.0/lists/" + list))
                    .withHeader("Authorization", equalTo("Bearer " + MAILCHIMP_KEY))
                    .willReturn(okJson("{\"new_members\":[],\"updated_members\":[],\"errors\":[],\"total_created\":0,"
                            + "\"total_updated\":1,\"error_count\":0}")));
        }
        String base = salesforce.baseUrl();
        salesforce.stubFor(post(urlPathEqualTo("/services/oauth2/token")).willReturn(okJson(
                "{\"access_token\":\"sf-access\",\"instance_url\":\"" + base + "\",\"id\":\"" + base
                        + "/id/00D000000000001AAA/005000000000001AAA\",\"token_type\":\"Bearer\","
                        + "\"issued_at\":\"1764410000000\",\"signature\":\"c2ln\"}")));
        salesforce.stubFor(get(urlPathEqualTo("/services/oauth2/revoke")).willReturn(aResponse().withStatus(200)));
        salesforce.stubFor(get(urlPathEqualTo(SF_QUERY + "/")).willReturn(okJson(
                "{\"totalSize\":0,\"done\":true,\"records\":[]}")));
        salesforce.stubFor(patch(urlPathEqualTo(SF_COLLECTIONS)).willReturn(okJson("[]")));
        // Erasure: HubSpot gdpr-delete answers 204 and batch read then finds nobody; Mailchimp deletes permanently
        // and then answers 404 for the member; Salesforce deletes collections.
        hubspot.stubFor(post(urlPathEqualTo(HUBSPOT_GDPR_DELETE)).willReturn(aResponse().withStatus(204)));
        // HubSpot's published schema requires inputs, properties and propertiesWithHistory; anything else is a 400.
        hubspot.stubFor(post(urlPathEqualTo(HUBSPOT_BATCH_READ)).atPriority(9).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"error\",\"category\":"
                        + "\"VALIDATION_ERROR\",\"message\":\"Invalid input JSON\"}")));
        hubspot.stubFor(post(urlPathEqualTo(HUBSPOT_BATCH_READ)).withRequestBody(HUBSPOT_BATCH_READ_SCHEMA).willReturn(okJson(
                "{\"status\":\"COMPLETE\",\"results\":[],\"numErrors\":1,\"errors\":[{\"status\":\"error\","
                        + "\"category\":\"OBJECT_NOT_FOUND\",\"message\":\"Could not get some CONTACT objects\"}]}")));
        mailchimp.stubFor(post(urlPathMatching("/3.0/lists/[^/]+/members/[0-9a-f]{32}/actions/delete-permanent"))
                .willReturn(aResponse().withStatus(204)));
        mailchimp.stubFor(get(urlPathMatching("/3.0/lists/[^/]+/members/[0-9a-f]{32}")).willReturn(aResponse()
                .withStatus(404).withHeader("Content-Type", "application/problem+json")
                .withBody("{\"type\":\"https://mailchimp.com/developer/marketing/docs/errors/\",\"title\":"
                        + "\"Resource Not Found\",\"status\":404,\"detail\":\"The requested resource could not be"
                        + " found.\",\"instance\":\"x\"}")));
        salesforce.stubFor(delete(urlPathEqualTo(SF_COLLECTIONS)).willReturn(okJson("[]")));
        // Rectification: HubSpot batch update; Mailchimp member update in list-a (list-b does not hold the person).
        hubspot.stubFor(post(urlPathEqualTo(HUBSPOT_BATCH_UPDATE)).willReturn(okJson(
                "{\"status\":\"COMPLETE\",\"results\":[{\"id\":\"5101\",\"properties\":{}}]}")));
        mailchimp.stubFor(patch(urlPathMatching("/3.0/lists/list-a/members/[0-9a-f]{32}")).willReturn(okJson(
                "{\"id\":\"x\",\"status\":\"subscribed\"}")));
    }

    /**
     * A Salesforce Contact that an erasure deletes: found by the Contact query until the collection DELETE names
     * it, gone afterwards.
     */
    public void salesforceErasableContact(String email, String contactId) {
        String scenario = "sf-" + contactId;
        salesforce.stubFor(get(urlPathEqualTo(SF_QUERY + "/")).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .withQueryParam("q", matching(".*FROM Contact.*'" + java.util.regex.Pattern.quote(email) + "'.*"))
                .willReturn(okJson("{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":"
                        + "\"Contact\"},\"Id\":\"" + contactId + "\",\"Email\":\"" + email + "\"}]}")));
        salesforce.stubFor(delete(urlPathEqualTo(SF_COLLECTIONS)).inScenario(scenario).withQueryParam("ids",
                containing(contactId)).willReturn(okJson("[{\"id\":\"" + contactId + "\",\"success\":true,"
                        + "\"errors\":[]}]")).willSetStateTo("deleted"));
    }

    /** A Salesforce contact for an address: query finds it; collection updates of its records succeed. */
    public void salesforceContact(String email, String contactId, String individualId) {
        salesforce.stubFor(get(urlPathEqualTo(SF_QUERY + "/")).withQueryParam("q", containing("'" + email + "'"))
                .willReturn(okJson("{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"Contact\","
                        + "\"url\":\"/services/data/v" + SF_API + "/sobjects/Contact/" + contactId + "\"},\"Id\":\""
                        + contactId + "\",\"Email\":\"" + email + "\",\"HasOptedOutOfEmail\":false,\"IndividualId\":"
                        + (individualId == null ? "null" : "\"" + individualId + "\"") + "}]}")));
        salesforce.stubFor(patch(urlPathEqualTo(SF_COLLECTIONS)).withRequestBody(matching(".*" + contactId + ".*"))
                .willReturn(okJson("[{\"id\":\"" + contactId + "\",\"success\":true,\"errors\":[]}"
                        + (individualId == null ? "" : ",{\"id\":\"" + individualId + "\",\"success\":true,\"errors\":[]}")
                        + "]")));
    }

    /** The JSON body of a request a fake received. */
    public static com.fasterxml.jackson.databind.JsonNode json(
            com.github.tomakehurst.wiremock.verification.LoggedRequest request) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** HubSpot's batch read finds this contact (for access exports). */
    public void hubspotContact(String email) {
        hubspot.stubFor(post(urlPathEqualTo(HUBSPOT_BATCH_READ)).withRequestBody(containing(email))
                .withRequestBody(HUBSPOT_BATCH_READ_SCHEMA)
                .willReturn(okJson("{\"status\":\"COMPLETE\",\"results\":[{\"id\":\"5101\",\"properties\":{"
                        + "\"email\":\"" + email + "\",\"firstname\":\"Ada\",\"lastname\":\"Byron\"},"
                        + "\"createdAt\":\"2025-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\","
                        + "\"archived\":false}]}")));
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
        p.put("lethe.salesforce.login-url", salesforce.baseUrl());
        p.put("lethe.salesforce.client-id", "sf-client");
        p.put("lethe.salesforce.client-secret", "sf-secret");
        p.put("lethe.salesforce.refresh-token", "sf-refresh");
        p.put("lethe.salesforce.api-version", SF_API);
        // Fast dispatch for tests: same logic, shorter clocks.
        p.put("lethe.dispatch.poll-ms", "50");
        p.put("lethe.dispatch.retry-delay-ms", "100");
        p.put("lethe.dispatch.max-in-place-wait-ms", "3000");
        p.put("lethe.dispatch.first-backoff-ms", "300");
        p.put("lethe.dispatch.max-backoff-ms", "1000");
        return p;
    }

    @Override
    public void close() {
        hubspot.stop();
        mailchimp.stop();
        salesforce.stop();
    }
}
