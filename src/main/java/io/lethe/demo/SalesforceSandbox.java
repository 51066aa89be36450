package io.lethe.demo;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

/**
 * Salesforce's OAuth token endpoint, SOQL query of Contacts by e-mail and sObject collection updates, with its error
 * envelope (a JSON array of {message, errorCode}).
 */
public final class SalesforceSandbox extends Sandbox {

    public static final String CLIENT_ID = "demo-client-id";
    public static final String CLIENT_SECRET = "demo-client-secret";
    public static final String REFRESH_TOKEN = "demo-refresh-token";
    private static final String ACCESS_TOKEN = "00Ddemo!access";
    private static final Pattern LITERAL = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'");
    private final Map<String, ObjectNode> records = new ConcurrentHashMap<>();
    private int next = 1;

    public SalesforceSandbox(int port) throws IOException {
        super(port);
    }

    public synchronized void seed(String email) {
        String individual = String.format("0PK00000000%04dAAA", next);
        String contact = String.format("00300000000%04dAAA", next++);
        ObjectNode i = JSON.createObjectNode();
        i.putObject("attributes").put("type", "Individual");
        i.put("Id", individual).put("HasOptedOutTracking", false).put("HasOptedOutProfiling", false)
                .put("HasOptedOutProcessing", false).put("HasOptedOutSolicit", false);
        records.put(individual, i);
        ObjectNode c = JSON.createObjectNode();
        c.putObject("attributes").put("type", "Contact");
        c.put("Id", contact).put("Email", email.toLowerCase(Locale.ROOT)).put("HasOptedOutOfEmail", false)
                .put("IndividualId", individual);
        records.put(contact, c);
    }

    @Override
    boolean countsAsApiCall(String path) {
        return !path.startsWith("/services/oauth2/");
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals("/services/oauth2/token") && method.equals("POST")) {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!form.contains("client_id=" + CLIENT_ID)) {
                json(exchange, 400, "{\"error\":\"invalid_client_id\",\"error_description\":\"client identifier invalid\"}");
                return;
            }
            json(exchange, 200, "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"instance_url\":\"" + baseUrl() + "\",\"id\":\""
                    + baseUrl() + "/id/00D000000000001AAA/005000000000001AAA\",\"token_type\":\"Bearer\","
                    + "\"issued_at\":\"" + System.currentTimeMillis() + "\",\"signature\":\"ZGVtbw==\"}");
            return;
        }
        if (path.equals("/services/oauth2/revoke")) {
            json(exchange, 200, "");
            return;
        }
        if (!("Bearer " + ACCESS_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            json(exchange, 401, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
            return;
        }
        if (method.equals("GET") && path.matches("/services/data/v[0-9.]+/query/?")) {
            query(exchange);
        } else if (method.equals("PATCH") && path.matches("/services/data/v[0-9.]+/composite/sobjects")) {
            update(exchange);
        } else if (method.equals("DELETE") && path.matches("/services/data/v[0-9.]+/composite/sobjects")) {
            delete(exchange);
        } else {
            json(exchange, 404, "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"The requested resource does not exist\"}]");
        }
    }

    private void query(HttpExchange exchange) throws IOException {
        String raw = exchange.getRequestURI().getRawQuery();
        String soql = raw == null ? "" : URLDecoder.decode(raw.replaceFirst("^q=", ""), StandardCharsets.UTF_8);
        Matcher from = Pattern.compile(" FROM (Contact|Lead) WHERE (?:IsConverted = false AND )?Email IN \\(").matcher(soql);
        if (!soql.startsWith("SELECT") || !from.find()) {
            json(exchange, 400, "[{\"message\":\"unexpected query\",\"errorCode\":\"MALFORMED_QUERY\"}]");
            return;
        }
        List<String> emails = new ArrayList<>();
        Matcher m = LITERAL.matcher(soql);
        while (m.find()) {
            emails.add(m.group(1).replace("\\'", "'").replace("\\\\", "\\").toLowerCase(Locale.ROOT));
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode found = JSON.createArrayNode();
        String object = from.group(1);
        records.values().stream().filter(r -> r.path("attributes").path("type").asText().equals(object))
                .filter(r -> r.has("Email") && emails.contains(r.path("Email").asText()))
                .forEach(found::add);
        response.put("totalSize", found.size()).put("done", true).set("records", found);
        json(exchange, 200, response);
    }

    private void update(HttpExchange exchange) throws IOException {
        JsonNode body = body(exchange);
        if (body == null || !body.path("records").isArray() || body.path("records").size() > 200) {
            json(exchange, 400, "[{\"message\":\"records must be an array of at most 200\",\"errorCode\":\"INVALID_FIELD\"}]");
            return;
        }
        ArrayNode results = JSON.createArrayNode();
        for (JsonNode r : body.path("records")) {
            String id = r.path("id").asText();
            ObjectNode record = records.get(id);
            ObjectNode result = results.addObject().put("id", id);
            if (record == null || !record.path("attributes").path("type").asText().equals(
                    r.path("attributes").path("type").asText())) {
                result.put("success", false).putArray("errors").addObject().put("statusCode", "ENTITY_IS_DELETED")
                        .put("message", "entity is deleted").putArray("fields");
                continue;
            }
            r.fields().forEachRemaining(f -> {
                if (f.getValue().isBoolean()) {
                    record.put(f.getKey(), f.getValue().asBoolean());
                }
            });
            result.put("success", true).putArray("errors");
            if (record.has("Email") && record.path("HasOptedOutOfEmail").asBoolean()) {
                markOptedOut(record.path("Email").asText());
            }
        }
        json(exchange, 200, results);
    }

    private void delete(HttpExchange exchange) throws IOException {
        String raw = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
        String ids = "";
        for (String pair : raw.split("&")) {
            if (pair.startsWith("ids=")) {
                ids = URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8);
            }
        }
        ArrayNode results = JSON.createArrayNode();
        for (String id : ids.split(",")) {
            if (id.isBlank()) {
                continue;
            }
            ObjectNode result = results.addObject().put("id", id);
            if (records.remove(id) == null) {
                result.put("success", false).putArray("errors").addObject().put("statusCode", "ENTITY_IS_DELETED")
                        .put("message", "entity is deleted").putArray("fields");
            } else {
                result.put("success", true).putArray("errors");
            }
        }
        json(exchange, 200, results);
    }

    @Override
    Object contacts() {
        return new TreeMap<>(records);
    }
}
