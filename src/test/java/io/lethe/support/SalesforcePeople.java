package io.lethe.support;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * A Salesforce org with many people, for the WireMock fake: SOQL look-ups by e-mail answer the Contacts and Leads
 * held for the addresses in the query (with {@code attributes.type}, {@code IndividualId}); sObject collection
 * updates answer one result per record, refusing more than 200 records as Salesforce does. Request URIs over
 * Salesforce's 16,384 bytes get 414. Stubs opt in with {@code .withTransformers(SalesforcePeople.NAME)}.
 */
public final class SalesforcePeople implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "salesforce-people";
    public static final int MAX_URI = 16_384;
    private static final Pattern LITERAL = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'");
    private static final Pattern FROM = Pattern.compile(" FROM (Contact|Lead) WHERE (IsConverted = false AND )?Email IN \\(");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** type → lower-cased e-mail → record id. */
    private final Map<String, Map<String, String>> people = new ConcurrentHashMap<>();

    public void add(String type, String email, String id) {
        people.computeIfAbsent(type, k -> new ConcurrentHashMap<>()).put(email.toLowerCase(Locale.ROOT), id);
    }

    public void clear() {
        people.clear();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        var request = event.getRequest();
        if (request.getUrl().length() > MAX_URI) {
            return error(414, "URI_TOO_LONG");
        }
        try {
            return request.getMethod().getName().equals("GET") ? query(request.getUrl()) : update(request.getBodyAsString());
        } catch (Exception e) {
            return error(400, "MALFORMED_QUERY");
        }
    }

    private ResponseDefinition query(String url) {
        String raw = url.substring(url.indexOf('?') + 1).replaceFirst("^q=", "");
        String soql = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        Matcher from = FROM.matcher(soql);
        if (!from.find()) {
            return error(400, "MALFORMED_QUERY");
        }
        String type = from.group(1);
        ArrayNode records = JSON.createArrayNode();
        Matcher m = LITERAL.matcher(soql.substring(from.end()));
        while (m.find()) {
            String email = m.group(1).replace("\\'", "'").replace("\\\\", "\\").toLowerCase(Locale.ROOT);
            String id = people.getOrDefault(type, Map.of()).get(email);
            if (id != null) {
                ObjectNode r = records.addObject();
                r.putObject("attributes").put("type", type);
                r.put("Id", id).put("Email", email).put("HasOptedOutOfEmail", false).putNull("IndividualId");
            }
        }
        ObjectNode body = JSON.createObjectNode().put("totalSize", records.size()).put("done", true);
        body.set("records", records);
        return json(body.toString());
    }

    private ResponseDefinition update(String body) throws Exception {
        JsonNode records = JSON.readTree(body).path("records");
        if (!records.isArray() || records.size() > 200) {
            return error(400, "EXCEEDED_ID_LIMIT");
        }
        ArrayNode results = JSON.createArrayNode();
        records.forEach(r -> results.addObject().put("id", r.path("id").asText()).put("success", true).putArray("errors"));
        return json(results.toString());
    }

    /** As a string: WireMock's own (shaded) Jackson would write our JsonNode as a bean. */
    private static ResponseDefinition json(String body) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(body).build();
    }

    private static ResponseDefinition error(int status, String code) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("[{\"message\":\"refused by the fake\",\"errorCode\":\"" + code + "\"}]").build();
    }
}
