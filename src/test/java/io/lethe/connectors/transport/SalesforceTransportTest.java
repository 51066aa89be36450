package io.lethe.connectors.transport;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.connectors.engine.VendorAnswer;
import io.lethe.connectors.engine.VendorCall;
import io.lethe.demo.sandbox.SalesforceBehaviour;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxServer;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The salesforce transport route (camel-salesforce raw) against the Salesforce sandbox. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SalesforceTransportTest {

    static final String API = "/services/data/v62.0";
    static final ObjectMapper JSON = new ObjectMapper();
    /** What camel-salesforce's HTTP client adds by itself, besides the call's own headers. */
    static final Set<String> CLIENT_HEADERS = Set.of("host", "user-agent", "accept", "accept-charset", "accept-encoding",
            "content-type", "content-length", "authorization", "x-sfdc-session", "connection");

    SalesforceBehaviour org;
    SandboxServer sandbox;
    CamelContext camel;
    ProducerTemplate template;

    @BeforeAll
    void start() throws Exception {
        org = new SalesforceBehaviour();
        sandbox = SandboxServer.start(org);
        camel = new DefaultCamelContext();
        PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.resolveResource(camel, "file:routes/connectors-salesforce.camel.yaml"));
        SalesforceTransport.register(camel, "salesforce", session(sandbox.baseUrl()));
        SalesforceTransport.register(camel, "unreachable", session("http://127.0.0.1:1"));
        camel.start();
        template = camel.createProducerTemplate();
    }

    static Map<String, String> session(String loginUrl) {
        return Map.of("loginUrl", loginUrl, "clientId", SalesforceBehaviour.CLIENT_ID,
                "clientSecret", SalesforceBehaviour.CLIENT_SECRET, "refreshToken", SalesforceBehaviour.REFRESH_TOKEN,
                "apiVersion", "62.0");
    }

    @AfterAll
    void stop() {
        camel.stop();
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.clearJournal();
        org.apiCallsLeft(100_000);
    }

    VendorAnswer send(VendorCall call) {
        return template.requestBodyAndHeader("direct:lethe-transport-salesforce", call, "X-Lethe-Internal", "secret",
                VendorAnswer.class);
    }

    static VendorCall query(String connector, String soql) {
        return new VendorCall(connector, "findContacts", "GET", "https://login.salesforce.com" + API + "/query?q="
                + URLEncoder.encode(soql, StandardCharsets.UTF_8).replace("+", "%20"), Map.of(), null);
    }

    @Test
    void a_query_reaches_the_org_with_only_salesforce_headers_and_comes_back_as_an_answer() throws Exception {
        String id = org.addContact("ann.example-person@customers.example-company.co.uk", true);
        VendorCall call = new VendorCall("salesforce", "findContacts", "GET", query("salesforce",
                "SELECT Id, Email, IndividualId FROM Contact WHERE Email IN ('ann.example-person@customers.example-company.co.uk')")
                .url(), Map.of("Sforce-Call-Options", "client=lethe"), null);
        VendorAnswer answer = send(call);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Sforce-Limit-Info")).startsWith("api-usage=");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("records").get(0).path("Id").asText()).isEqualTo(id);
        assertThat(body.path("records").get(0).path("attributes").path("type").asText()).isEqualTo("Contact");
        SandboxRequest sent = sandbox.requests("GET", API + "/query").get(0);
        assertThat(sent.headers().keySet()).allMatch(h -> CLIENT_HEADERS.contains(h) || h.equals("sforce-call-options"));
        assertThat(sent.header("Sforce-Call-Options")).isEqualTo("client=lethe");
        assertThat(sent.rawQuery()).isEqualTo(call.url().substring(call.url().indexOf('?') + 1));
    }

    @Test
    void a_collection_update_carries_its_body_and_statuses_other_than_2xx_are_answers() throws Exception {
        String id = org.addContact("bo.example-person@example.com", false);
        String records = "{\"allOrNone\":false,\"records\":[{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + id
                + "\",\"HasOptedOutOfEmail\":true}]}";
        VendorAnswer ok = send(new VendorCall("salesforce", "optOut", "PATCH",
                "https://login.salesforce.com" + API + "/composite/sobjects", Map.of("Content-Type", "application/json"),
                records));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get(0).path("success").asBoolean()).isTrue();
        assertThat(org.record(id).get("HasOptedOutOfEmail")).isEqualTo(true);

        VendorAnswer malformed = send(query("salesforce", "SELECT Id FROM Contact WHERE Email IN ("));
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).contains("MALFORMED_QUERY");

        org.apiCallsLeft(0);
        VendorAnswer limited = send(query("salesforce", "SELECT Id FROM Contact WHERE Email != null"));
        assertThat(limited.status()).isEqualTo(403);
        assertThat(JSON.readTree(limited.body()).get(0).path("errorCode").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
    }

    @Test
    void an_expired_session_is_renewed_by_camel_salesforce() {
        send(query("salesforce", "SELECT Id FROM Contact WHERE Email != null"));
        int logins = org.logins();
        org.expireSessions();
        VendorAnswer answer = send(query("salesforce", "SELECT Id FROM Contact WHERE Email != null"));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(org.logins()).isEqualTo(logins + 1);
    }

    @Test
    void query_more_follows_the_relative_next_records_url() throws Exception {
        for (int i = 0; i < 5; i++) {
            org.addLead("lead" + i + ".example-person@mail.example.org", false, false);
        }
        org.pageSize(2);
        try {
            VendorAnswer first = send(query("salesforce", "SELECT Id, Email FROM Lead WHERE Email != null"));
            String next = JSON.readTree(first.body()).path("nextRecordsUrl").asText();
            assertThat(next).startsWith(API + "/query/");
            VendorAnswer second = send(new VendorCall("salesforce", "findLeads", "GET", next, Map.of(), null));
            assertThat(second.status()).isEqualTo(200);
            assertThat(JSON.readTree(second.body()).path("records")).hasSize(2);
        } finally {
            org.pageSize(2000);
        }
    }

    @Test
    void a_request_too_large_for_the_client_is_answered_431_without_reaching_salesforce() {
        String huge = "SELECT Id FROM Contact WHERE Email IN ('" + "x".repeat(20_000) + "@example.com')";
        VendorAnswer answer = send(query("salesforce", huge));
        assertThat(answer.status()).isEqualTo(431);
        assertThat(answer.body()).contains("HEADER_OVERFLOW");
        assertThat(sandbox.requests("GET", API + "/query")).isEmpty();
    }

    @Test
    void no_answer_is_a_transport_failure_that_names_no_address() {
        assertThatThrownBy(() -> send(query("unreachable",
                "SELECT Id FROM Contact WHERE Email IN ('cy.private@example.com')")))
                .isInstanceOf(CamelExecutionException.class)
                .cause().isInstanceOf(TransportFailure.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("cy.private").doesNotContain("example.com"));
    }

}
