package io.lethe.demo.sandbox;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Salesforce sandbox refuses what Salesforce refuses. */
class SalesforceBehaviourTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/services/data/v62.0";
    SalesforceBehaviour org;
    String bearer;

    @BeforeEach
    void login() throws Exception {
        org = new SalesforceBehaviour();
        SandboxResponse token = org.handle(form("grant_type=refresh_token&client_id=" + SalesforceBehaviour.CLIENT_ID
                + "&client_secret=" + SalesforceBehaviour.CLIENT_SECRET + "&refresh_token=" + SalesforceBehaviour.REFRESH_TOKEN));
        assertThat(token.status()).isEqualTo(200);
        JsonNode t = JSON.readTree(token.body());
        assertThat(t.path("instance_url").asText()).isEqualTo("http://127.0.0.1:9999");
        assertThat(t.path("id").asText()).contains("/id/00D");
        bearer = "Bearer " + t.path("access_token").asText();
    }

    static SandboxRequest form(String body) {
        return new SandboxRequest("POST", "/services/oauth2/token", null, Map.of("host", List.of("127.0.0.1:9999"),
                "content-type", List.of("application/x-www-form-urlencoded")), body.getBytes(StandardCharsets.UTF_8));
    }

    SandboxResponse call(String method, String path, String rawQuery, String body) {
        return org.handle(new SandboxRequest(method, path, rawQuery, Map.of("authorization", List.of(bearer),
                "content-type", List.of("application/json;charset=utf-8")),
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
    }

    SandboxResponse query(String soql) {
        return call("GET", API + "/query", "q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8), null);
    }

    static String code(SandboxResponse r) throws Exception {
        return JSON.readTree(r.body()).get(0).path("errorCode").asText();
    }

    @Test
    void logins_need_the_connected_app_and_a_valid_grant_and_calls_a_live_session() throws Exception {
        assertThat(org.handle(form("grant_type=refresh_token&client_id=other&client_secret=x&refresh_token=y")).body())
                .contains("invalid_client_id");
        assertThat(org.handle(form("grant_type=refresh_token&client_id=" + SalesforceBehaviour.CLIENT_ID
                + "&client_secret=" + SalesforceBehaviour.CLIENT_SECRET + "&refresh_token=stolen")).body()).contains("invalid_grant");
        assertThat(org.handle(new SandboxRequest("POST", "/services/oauth2/token", null,
                Map.of("content-type", List.of("application/json")), "{}".getBytes())).body()).contains("invalid_request");
        assertThat(org.handle(new SandboxRequest("GET", API + "/query", "q=SELECT+Id+FROM+Contact", Map.of(), null)).status())
                .isEqualTo(401);
        org.expireSessions();
        SandboxResponse expired = query("SELECT Id FROM Contact");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(code(expired)).isEqualTo("INVALID_SESSION_ID");
    }

    @Test
    void soql_finds_people_by_address_case_insensitively_and_refuses_what_salesforce_refuses() throws Exception {
        String contact = org.addContact("Ann.Person@Example.com", true);
        String lead = org.addLead("ann.person@example.com", false, false);
        org.addLead("ann.person@example.com", true, false);
        JsonNode found = JSON.readTree(query("SELECT Id, Email, IndividualId FROM Contact WHERE Email IN ('ann.person@example.com', 'o\\'brien@example.com')").body());
        assertThat(found.path("records").findValuesAsText("Id")).containsExactly(contact);
        assertThat(found.path("records").get(0).path("attributes").path("type").asText()).isEqualTo("Contact");
        assertThat(found.path("records").get(0).path("IndividualId").asText()).startsWith("0PK");
        JsonNode leads = JSON.readTree(query("SELECT Id FROM Lead WHERE IsConverted = false AND Email IN ('ANN.PERSON@example.com')").body());
        assertThat(leads.path("records").findValuesAsText("Id")).containsExactly(lead);
        assertThat(JSON.readTree(query("SELECT Id FROM Contact WHERE LastModifiedDate > "
                + Instant.now().plusSeconds(60).toString().replaceFirst("\\.\\d+", "").replace("Z", "+00:00")).body())
                .path("totalSize").asInt()).isZero();

        assertThat(code(query("SELECT Id, Company FROM Contact"))).isEqualTo("INVALID_FIELD");
        assertThat(code(query("SELECT Id FROM Contact WHERE IsConverted = false"))).isEqualTo("INVALID_FIELD");
        assertThat(code(query("SELECT Id FROM Contact WHERE Email IN ('unterminated)"))).isEqualTo("MALFORMED_QUERY");
        assertThat(code(query("SELECT Id FROM Opportunity"))).isEqualTo("INVALID_TYPE");
    }

    @Test
    void large_results_come_in_pages_through_next_records_url() throws Exception {
        for (int i = 0; i < 5; i++) {
            org.addContact("p" + i + "@example.com", false);
        }
        org.pageSize(2);
        List<String> ids = new ArrayList<>();
        JsonNode page = JSON.readTree(query("SELECT Id FROM Contact WHERE Email != null").body());
        assertThat(page.path("totalSize").asInt()).isEqualTo(5);
        while (true) {
            page.path("records").forEach(r -> ids.add(r.path("Id").asText()));
            if (page.path("done").asBoolean()) {
                break;
            }
            page = JSON.readTree(call("GET", page.path("nextRecordsUrl").asText(), null, null).body());
        }
        assertThat(ids).hasSize(5).doesNotHaveDuplicates();
        assertThat(code(call("GET", API + "/query/01gSB0000000999-2", null, null))).isEqualTo("INVALID_QUERY_LOCATOR");
    }

    @Test
    void collections_take_200_records_of_few_type_chunks_and_refuse_converted_leads() throws Exception {
        String converted = org.addLead("conv@example.com", true, false);
        String contact = org.addContact("c@example.com", false);
        SandboxResponse r = call("PATCH", API + "/composite/sobjects", null, "{\"allOrNone\":false,\"records\":["
                + rec("Lead", converted) + "," + rec("Contact", contact) + "," + rec("Contact", "003SB9999999999AAA") + "]}");
        JsonNode results = JSON.readTree(r.body());
        assertThat(results.findValuesAsText("success")).containsExactly("false", "true", "false");
        assertThat(results.get(0).path("errors").get(0).path("statusCode").asText()).isEqualTo("CANNOT_UPDATE_CONVERTED_LEAD");
        assertThat(org.record(contact).get("HasOptedOutOfEmail")).isEqualTo(true);

        StringBuilder many = new StringBuilder("{\"records\":[");
        for (int i = 0; i < 201; i++) {
            many.append(i == 0 ? "" : ",").append(rec("Contact", contact));
        }
        assertThat(code(call("PATCH", API + "/composite/sobjects", null, many + "]}"))).isEqualTo("EXCEEDED_ID_LIMIT");
        StringBuilder chunks = new StringBuilder("{\"records\":[");
        for (int i = 0; i < 11; i++) {
            chunks.append(i == 0 ? "" : ",").append(rec(i % 2 == 0 ? "Contact" : "Lead", contact));
        }
        assertThat(call("PATCH", API + "/composite/sobjects", null, chunks + "]}").status()).isEqualTo(400);
        assertThat(code(call("PATCH", API + "/composite/sobjects", null, "{\"records\":[{\"attributes\":{\"type\":"
                + "\"Contact\"},\"id\":\"" + contact + "\",\"Nickname\":\"x\"}]}"))).isEqualTo("INVALID_FIELD");
        assertThat(org.handle(new SandboxRequest("PATCH", API + "/composite/sobjects", null, Map.of("authorization",
                List.of(bearer), "content-type", List.of("text/plain")), "{}".getBytes())).status()).isEqualTo(415);
    }

    @Test
    void deletes_take_200_ids_and_a_deleted_record_is_gone() throws Exception {
        String contact = org.addContact("d@example.com", false);
        JsonNode first = JSON.readTree(call("DELETE", API + "/composite/sobjects", "ids=" + contact + "&allOrNone=false", null).body());
        assertThat(first.get(0).path("success").asBoolean()).isTrue();
        assertThat(org.record(contact)).isNull();
        JsonNode again = JSON.readTree(call("DELETE", API + "/composite/sobjects", "ids=" + contact, null).body());
        assertThat(again.get(0).path("errors").get(0).path("statusCode").asText()).isEqualTo("ENTITY_IS_DELETED");
        String ids = String.join(",", java.util.Collections.nCopies(201, contact));
        assertThat(code(call("DELETE", API + "/composite/sobjects", "ids=" + ids, null))).isEqualTo("EXCEEDED_ID_LIMIT");
    }

    @Test
    void a_spent_daily_allocation_is_403_request_limit_exceeded() throws Exception {
        org.apiCallsLeft(1);
        assertThat(query("SELECT Id FROM Contact").status()).isEqualTo(200);
        SandboxResponse limited = query("SELECT Id FROM Contact");
        assertThat(limited.status()).isEqualTo(403);
        assertThat(code(limited)).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(limited.headers().get("Sforce-Limit-Info")).isEqualTo("api-usage=1/1");
    }

    static String rec(String type, String id) {
        return "{\"attributes\":{\"type\":\"" + type + "\"},\"id\":\"" + id + "\",\"HasOptedOutOfEmail\":true}";
    }
    static String sub(String method, String url, String ref, String body) {
        return "{\"method\":\"" + method + "\",\"url\":\"" + url + "\",\"referenceId\":\"" + ref + "\""
                + (body == null ? "" : ",\"body\":" + body) + "}";
    }

    static String composite(boolean allOrNone, List<String> subs) {
        return "{\"allOrNone\":" + allOrNone + ",\"compositeRequest\":[" + String.join(",", subs) + "]}";
    }

    static String queryUrl(String soql) {
        return API + "/query/?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
    }

    @Test
    void composite_runs_queries_and_collections_as_one_call_and_answers_per_subrequest() throws Exception {
        String contact = org.addContact("octavia.composite-person@example.com", false);
        String lead = org.addLead("OCTAVIA.composite-person@example.com", false, false);
        SandboxResponse r = call("POST", API + "/composite", null, composite(false, List.of(
                sub("GET", queryUrl("SELECT Id, Email FROM Contact WHERE Email IN ('octavia.composite-person@example.com')"), "contacts", null),
                sub("GET", queryUrl("SELECT Id, Email FROM Lead WHERE Email IN ('octavia.composite-person@example.com')"), "leads", null),
                sub("GET", queryUrl("SELECT Nope FROM Contact"), "bad", null),
                sub("PATCH", API + "/composite/sobjects", "update0", "{\"allOrNone\":false,\"records\":[{\"attributes\":"
                        + "{\"type\":\"Contact\"},\"id\":\"" + contact + "\",\"HasOptedOutOfEmail\":true}]}"))));
        assertThat(r.status()).isEqualTo(200);
        JsonNode answers = JSON.readTree(r.body()).path("compositeResponse");
        assertThat(answers).hasSize(4);
        assertThat(answers.get(0).path("referenceId").asText()).isEqualTo("contacts");
        assertThat(answers.get(0).path("httpStatusCode").asInt()).isEqualTo(200);
        assertThat(answers.get(0).path("httpHeaders").isObject()).isTrue();
        assertThat(answers.get(0).path("body").path("records").get(0).path("Id").asText()).isEqualTo(contact);
        assertThat(answers.get(1).path("body").path("records").get(0).path("Id").asText()).isEqualTo(lead);
        assertThat(answers.get(2).path("httpStatusCode").asInt()).isEqualTo(400);
        assertThat(answers.get(2).path("body").get(0).path("errorCode").asText()).isEqualTo("INVALID_FIELD");
        assertThat(answers.get(3).path("body").get(0).path("success").asBoolean()).isTrue();
        assertThat(org.record(contact).get("HasOptedOutOfEmail")).isEqualTo(true);
        assertThat(r.headers().get("Sforce-Limit-Info")).isEqualTo("api-usage=1/100000"); // one call for four
    }

    @Test
    void composite_all_or_none_rolls_back_every_subrequest_when_one_fails() throws Exception {
        String contact = org.addContact("philippa.rolled-back@example.com", false);
        SandboxResponse r = call("POST", API + "/composite", null, composite(true, List.of(
                sub("PATCH", API + "/composite/sobjects", "good", "{\"records\":[{\"attributes\":{\"type\":\"Contact\"},"
                        + "\"id\":\"" + contact + "\",\"HasOptedOutOfEmail\":true}]}"),
                sub("DELETE", API + "/composite/sobjects?ids=", "bad", null))));
        JsonNode answers = JSON.readTree(r.body()).path("compositeResponse");
        assertThat(answers.get(0).path("httpStatusCode").asInt()).isEqualTo(400);
        assertThat(answers.get(0).path("body").get(0).path("errorCode").asText()).isEqualTo("PROCESSING_HALTED");
        assertThat(org.record(contact).get("HasOptedOutOfEmail")).isEqualTo(false);
    }

    @Test
    void composite_refuses_what_salesforce_refuses() throws Exception {
        List<String> six = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            six.add(sub("GET", queryUrl("SELECT Id FROM Contact"), "q" + i, null));
        }
        assertThat(call("POST", API + "/composite", null, composite(false, six)).status()).isEqualTo(400);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 26; i++) {
            many.add(sub("GET", API + "/limits", "l" + i, null));
        }
        assertThat(call("POST", API + "/composite", null, composite(false, many)).status()).isEqualTo(400);
        assertThat(call("POST", API + "/composite", null, composite(false, List.of(
                sub("GET", queryUrl("SELECT Id FROM Contact"), "same", null),
                sub("GET", queryUrl("SELECT Id FROM Lead"), "same", null)))).status()).isEqualTo(400);
        assertThat(call("POST", API + "/composite", null, composite(false, List.of(
                sub("GET", queryUrl("SELECT Id FROM Contact"), "bad-ref", null)))).status()).isEqualTo(400);
        assertThat(call("POST", API + "/composite", null, "{\"compositeRequest\":[],\"extra\":1}").status()).isEqualTo(400);
        assertThat(call("POST", API + "/composite", null, composite(false, List.of(
                sub("GET", API + "/query/?q=SELECT+Id+FROM+Contact+WHERE+Email+%3D+%27@{ref.Email}%27", "ref", null)))).status())
                .isEqualTo(400);
        assertThat(call("GET", API + "/composite", null, null).status()).isEqualTo(405);
        // a SOQL statement holds at most 100,000 characters, in a sub-request as anywhere
        StringBuilder in = new StringBuilder("SELECT Id FROM Contact WHERE Email IN (");
        while (in.length() <= SalesforceBehaviour.SOQL_MAX) {
            in.append("'a.very.long.address.of.someone@example.com',");
        }
        in.append("'x@example.com')");
        JsonNode answers = JSON.readTree(call("POST", API + "/composite", null, composite(false, List.of(
                sub("GET", queryUrl(in.toString()), "long", null)))).body()).path("compositeResponse");
        assertThat(answers.get(0).path("httpStatusCode").asInt()).isEqualTo(400);
        assertThat(answers.get(0).path("body").get(0).path("errorCode").asText()).isEqualTo("MALFORMED_QUERY");
    }
}
