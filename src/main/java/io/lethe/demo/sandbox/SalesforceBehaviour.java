package io.lethe.demo.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Salesforce org (REST API) as strict as the real one for what Lethe calls: the OAuth token endpoint (refresh-token,
 * username-password and client-credentials flows, form-encoded), Bearer sessions that can be expired (the client
 * must log in again), SOQL queries on Contact, Lead and Individual ({@link SoqlQuery}) paged through
 * {@code nextRecordsUrl}, sObject collection updates and deletes of at most 200 records (one result per record, in
 * order; converted Leads refuse updates), the daily API allocation ({@code 403 REQUEST_LIMIT_EXCEEDED} once spent,
 * {@code Sforce-Limit-Info} on every answer) and Salesforce's error envelope, a JSON array of
 * {@code {message, errorCode}}; Composite calls ({@code POST /composite}, one API call for up to 25 sub-requests, at
 * most 5 of them queries or collections; SOQL statements of at most 100,000 characters). URI and header sizes are the {@link SandboxServer}'s (16 KiB, as Salesforce).
 */
public final class SalesforceBehaviour implements VendorBehaviour {

    public static final String CLIENT_ID = "demo-client-id";
    public static final String CLIENT_SECRET = "demo-client-secret";
    public static final String REFRESH_TOKEN = "demo-refresh-token";
    public static final String USERNAME = "dpo@example.com";
    public static final String PASSWORD = "demo-password-and-token";
    /** Records per collection call. */
    public static final int COLLECTION_MAX = 200;
    /** Type chunks (runs of records of one type) per collection call. */
    public static final int TYPE_CHUNKS_MAX = 10;
    /** Sub-requests per Composite call, and how many of them may be queries or sObject collections. */
    public static final int COMPOSITE_MAX = 25;
    public static final int COMPOSITE_QUERIES_MAX = 5;
    /** Characters of one SOQL statement (Salesforce's documented default). */
    public static final int SOQL_MAX = 100_000;
    private static final Set<String> COMPOSITE_KEYS = Set.of("allOrNone", "collateSubrequests", "compositeRequest");
    private static final Set<String> SUBREQUEST_KEYS = Set.of("method", "url", "referenceId", "body", "httpHeaders");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PATCH", "PUT", "DELETE", "HEAD");
    private static final Pattern REFERENCE_ID = Pattern.compile("[A-Za-z0-9_]+");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DATA = Pattern.compile("/services/data/(v\\d+\\.\\d)(/.*)");
    private static final DateTimeFormatter SF_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> PREFIX = Map.of("Contact", "003", "Lead", "00Q", "Individual", "0PK");
    private static final Set<String> PERSON_WRITABLE = Set.of("Email", "FirstName", "LastName", "Phone",
            "HasOptedOutOfEmail", "IndividualId");
    private static final Map<String, Set<String>> WRITABLE = Map.of(
            "Contact", PERSON_WRITABLE,
            "Lead", union(PERSON_WRITABLE, Set.of("Company")),
            "Individual", Set.of("FirstName", "LastName", "HasOptedOutProcessing", "HasOptedOutProfiling",
                    "HasOptedOutSolicit", "HasOptedOutTracking", "HasOptedOutGeoTracking", "ShouldForget",
                    "SendIndividualData", "CanStorePiiElsewhere"));
    private static final Map<String, Set<String>> READABLE = Map.of(
            "Contact", union(WRITABLE.get("Contact"), Set.of("Id", "CreatedDate", "LastModifiedDate")),
            "Lead", union(WRITABLE.get("Lead"), Set.of("Id", "IsConverted", "CreatedDate", "LastModifiedDate")),
            "Individual", union(WRITABLE.get("Individual"), Set.of("Id", "CreatedDate", "LastModifiedDate")));

    /** id → fields (Id and the type's fields; dates as Instants). */
    private final Map<String, Map<String, Object>> records = new LinkedHashMap<>();
    private final Map<String, String> typeById = new HashMap<>();
    private final Set<String> deleted = new HashSet<>();
    private final Set<String> sessions = new HashSet<>();
    /** Lower-cased e-mail → when a Contact or Lead of it was first opted out of e-mail (benchmarks). */
    private final Map<String, Long> optedOutAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Cursor> cursors = new HashMap<>();
    private int nextId = 1;

    /** The rows a query has still to return, of {@code total}. */
    private record Cursor(List<ObjectNode> rows, int total) {
    }

    private int nextCursor = 1;
    private int pageSize = 2000;
    private long apiAllowance = 100_000;
    private long apiUsed;
    private int logins;
    private boolean failQueries;

    @Override
    public String vendor() {
        return "salesforce";
    }

    // ---- test and demo controls -------------------------------------------------------------------------------

    /** A Contact with its own Individual (as Data Protection and Privacy orgs hold people). */
    @Override
    public void seed(String email, String externalId) {
        addContact(email, true);
    }

    public synchronized String addContact(String email, boolean withIndividual) {
        Map<String, Object> c = person("Contact", email, withIndividual);
        return (String) c.get("Id");
    }

    /** A Contact with these ids (its Individual's when {@code individualId} is not null): tests that name records. */
    public synchronized String addContact(String email, String contactId, String individualId) {
        Map<String, Object> c = person("Contact", email, individualId != null);
        rename(c, contactId);
        if (individualId != null) {
            rename(records.get((String) c.get("IndividualId")), individualId);
            c.put("IndividualId", individualId);
        }
        return contactId;
    }

    private void rename(Map<String, Object> record, String id) {
        String old = (String) record.get("Id");
        records.remove(old);
        String type = typeById.remove(old);
        record.put("Id", id);
        records.put(id, record);
        typeById.put(id, type);
    }

    /** Sets one field of a record (as a user of the org would, e.g. an opt-out made in Salesforce). */
    public synchronized void set(String id, String field, Object value) {
        records.get(id).put(field, value);
    }

    /** Holds nobody again (sessions stay valid, so a connected hub need not log in again). */
    public synchronized void reset() {
        records.clear();
        typeById.clear();
        deleted.clear();
        optedOutAt.clear();
        cursors.clear();
        pageSize = 2000;
        apiAllowance = apiUsed + 100_000;
        failQueries = false;
    }

    /** A Lead; a converted one is found by queries but refuses updates, as in Salesforce. */
    public synchronized String addLead(String email, boolean converted, boolean withIndividual) {
        Map<String, Object> l = person("Lead", email, withIndividual);
        l.put("Company", "Example Ltd");
        l.put("IsConverted", converted);
        return (String) l.get("Id");
    }

    /** A record's fields (a copy), or null when it does not exist (any more). */
    public synchronized Map<String, Object> record(String id) {
        Map<String, Object> r = records.get(id);
        return r == null ? null : new LinkedHashMap<>(r);
    }

    /** Every record of a type (copies). */
    public synchronized List<Map<String, Object>> records(String type) {
        return records.entrySet().stream().filter(e -> typeById.get(e.getKey()).equals(type))
                .map(e -> (Map<String, Object>) new LinkedHashMap<>(e.getValue())).toList();
    }

    /** Records per query page (Salesforce: 2,000 by default). */
    public synchronized void pageSize(int size) {
        this.pageSize = size;
    }

    /** API calls left today; at 0 every data call is refused with 403 REQUEST_LIMIT_EXCEEDED. */
    public synchronized void apiCallsLeft(long left) {
        this.apiAllowance = apiUsed + left;
    }

    /** From now on (true) every query is refused with 400 MALFORMED_QUERY (a fault to inject). */
    public synchronized void failQueries(boolean fail) {
        this.failQueries = fail;
    }

    /** Every session issued so far is invalid from now on (the next data call gets 401 INVALID_SESSION_ID). */
    public synchronized void expireSessions() {
        sessions.clear();
    }

    /** The hub's settings for this org at {@code baseUrl}: it is the login host, with the connected app's credentials. */
    @Override
    public Map<String, String> hubSettings(String baseUrl) {
        return Map.of("lethe.salesforce.login-url", baseUrl, "lethe.salesforce.client-id", CLIENT_ID,
                "lethe.salesforce.client-secret", CLIENT_SECRET, "lethe.salesforce.refresh-token", REFRESH_TOKEN,
                "lethe.salesforce.api-version", "62.0");
    }

    /** When the address's Contact or Lead was first opted out of e-mail (epoch millis), or null. */
    public Long optedOutAt(String email) {
        return optedOutAt.get(email.toLowerCase(Locale.ROOT));
    }

    /** Successful logins so far. */
    public synchronized int logins() {
        return logins;
    }

    @Override
    public synchronized Map<String, Object> state() {
        Map<String, Object> out = new TreeMap<>();
        records.forEach((id, r) -> {
            Map<String, Object> copy = new LinkedHashMap<>();
            copy.put("type", typeById.get(id));
            r.forEach((k, v) -> copy.put(k, v instanceof Instant i ? SF_TIME.format(i) : v));
            out.put(id, copy);
        });
        return out;
    }

    // ---- the API --------------------------------------------------------------------------------------------

    @Override
    public synchronized SandboxResponse handle(SandboxRequest request) {
        String path = request.path();
        if (path.equals("/services/oauth2/token")) {
            return request.method().equals("POST") ? token(request) : error(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed");
        }
        if (path.equals("/services/oauth2/revoke")) {
            return SandboxResponse.empty(200);
        }
        Matcher data = DATA.matcher(path);
        if (!data.matches()) {
            return error(404, "NOT_FOUND", "The requested resource does not exist");
        }
        String auth = request.header("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !sessions.contains(auth.substring(7))) {
            return error(401, "INVALID_SESSION_ID", "Session expired or invalid");
        }
        if (apiUsed >= apiAllowance) {
            return limited(error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
        }
        apiUsed++;
        String version = data.group(1);
        String resource = data.group(2);
        if (resource.equals("/composite")) {
            return limited(request.method().equals("POST") ? composite(version, request) : notAllowed());
        }
        return limited(resource(version, resource, request));
    }

    /** One REST resource: a call of its own or a Composite sub-request (which costs no API call of its own). */
    private SandboxResponse resource(String version, String resource, SandboxRequest request) {
        SandboxResponse answer;
        if (resource.equals("/query") || resource.equals("/query/")) {
            answer = request.method().equals("GET") ? query(version, param(request, "q")) : notAllowed();
        } else if (resource.startsWith("/query/")) {
            answer = request.method().equals("GET") ? more(version, resource.substring("/query/".length())) : notAllowed();
        } else if (resource.equals("/composite/sobjects")) {
            answer = switch (request.method()) {
                case "PATCH" -> update(request);
                case "DELETE" -> delete(request);
                default -> notAllowed();
            };
        } else {
            answer = error(404, "NOT_FOUND", "The requested resource does not exist");
        }
        return answer;
    }

    /**
     * {@code POST /composite}: up to 25 sub-requests (at most 5 queries or sObject collections) run in order as one
     * API call; the answer is 200 with one {@code {body, httpHeaders, httpStatusCode, referenceId}} per sub-request.
     * With {@code allOrNone: true} a failing sub-request rolls back the others, which answer 400 PROCESSING_HALTED.
     * References between sub-requests ({@code @{ref.field}}) are not resolved here: Lethe sends none, so the sandbox
     * refuses them rather than pretend. Error codes of the limits are Salesforce's as far as documented; those not
     * verified against a real org say so.
     */
    private SandboxResponse composite(String version, SandboxRequest request) {
        String type = request.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.bodyText());
        } catch (Exception e) {
            return error(400, "JSON_PARSER_ERROR", "Unexpected character in the request body");
        }
        if (body == null || !body.isObject()) {
            return error(400, "JSON_PARSER_ERROR", "The request body must be a JSON object");
        }
        for (var it = body.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!COMPOSITE_KEYS.contains(k)) {
                return error(400, "JSON_PARSER_ERROR", "Unrecognized field \"" + k + "\"");
            }
        }
        if (body.has("allOrNone") && !body.get("allOrNone").isBoolean()) {
            return error(400, "JSON_PARSER_ERROR", "Cannot deserialize value of allOrNone");
        }
        JsonNode subs = body.get("compositeRequest");
        if (subs == null || !subs.isArray() || subs.isEmpty()) {
            return error(400, "INVALID_INPUT", "compositeRequest is required and must be a non-empty array");
        }
        if (subs.size() > COMPOSITE_MAX) { // the error code is not verified against a real org
            return error(400, "LIMIT_EXCEEDED", "A composite request may hold at most 25 subrequests");
        }
        int queries = 0;
        Set<String> references = new HashSet<>();
        for (JsonNode sub : subs) {
            for (var it = sub.fieldNames(); it.hasNext();) {
                String k = it.next();
                if (!SUBREQUEST_KEYS.contains(k)) {
                    return error(400, "JSON_PARSER_ERROR", "Unrecognized field \"" + k + "\" in a subrequest");
                }
            }
            String method = sub.path("method").asText("");
            String url = sub.path("url").asText("");
            String ref = sub.path("referenceId").asText("");
            if (!METHODS.contains(method) || url.isEmpty() || ref.isEmpty()) {
                return error(400, "INVALID_INPUT", "Each subrequest needs method, url and referenceId");
            }
            if (!REFERENCE_ID.matcher(ref).matches() || !references.add(ref)) {
                return error(400, "INVALID_INPUT", "referenceId must be unique and hold only letters, digits and _");
            }
            if (url.contains("@{") || sub.path("body").toString().contains("@{")) {
                return error(400, "INVALID_INPUT", "the sandbox does not resolve composite references");
            }
            String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
            if (path.matches("/services/data/v\\d+\\.\\d/(query|queryAll)(/.*)?")
                    || path.matches("/services/data/v\\d+\\.\\d/composite/sobjects(/.*)?")) {
                queries++;
            }
        }
        if (queries > COMPOSITE_QUERIES_MAX) { // the error code is not verified against a real org
            return error(400, "LIMIT_EXCEEDED",
                    "A composite request may hold at most 5 query or sObject Collections subrequests");
        }
        boolean allOrNone = body.path("allOrNone").asBoolean(false);
        Snapshot before = allOrNone ? snapshot() : null;
        ArrayNode results = JSON.createArrayNode();
        int failedAt = -1;
        for (JsonNode sub : subs) {
            SandboxResponse answer = subrequest(version, sub, request);
            ObjectNode result = results.addObject();
            result.set("body", answer.body() == null || answer.body().isEmpty() ? null : parse(answer.body()));
            result.putObject("httpHeaders");
            result.put("httpStatusCode", answer.status());
            result.put("referenceId", sub.get("referenceId").asText());
            if (answer.status() >= 400 && failedAt < 0) {
                failedAt = results.size() - 1;
            }
        }
        if (allOrNone && failedAt >= 0) {
            restore(before);
            for (int k = 0; k < results.size(); k++) {
                if (k != failedAt) {
                    ObjectNode r = (ObjectNode) results.get(k);
                    r.put("httpStatusCode", 400);
                    r.set("body", parse(error(400, "PROCESSING_HALTED", "The transaction was rolled back since "
                            + "another operation in the same transaction failed.").body()));
                }
            }
        }
        return SandboxResponse.json(200, JSON.createObjectNode().set("compositeResponse", results).toString());
    }

    /** One sub-request, run as the resource would run it on its own (same session, JSON bodies). */
    private SandboxResponse subrequest(String version, JsonNode sub, SandboxRequest outer) {
        // No URI limit of its own: Salesforce's advice against 431/414 is to move the SOQL into a Composite
        // sub-request (help article 000386264); the SOQL statement's 100,000 characters still hold (query()).
        String url = sub.get("url").asText();
        Matcher data = DATA.matcher(url.contains("?") ? url.substring(0, url.indexOf('?')) : url);
        if (!data.matches()) {
            return error(404, "NOT_FOUND", "The requested resource does not exist");
        }
        Map<String, List<String>> headers = new HashMap<>(outer.headers());
        headers.put("content-type", List.of("application/json"));
        byte[] body = sub.has("body") ? sub.get("body").toString().getBytes(StandardCharsets.UTF_8) : null;
        SandboxRequest inner = new SandboxRequest(sub.get("method").asText(), data.group(0),
                url.contains("?") ? url.substring(url.indexOf('?') + 1) : null, headers, body);
        return resource(data.group(1), data.group(2), inner);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }

    /** The org's records as they were before an all-or-none composite call (restored when a sub-request fails). */
    private record Snapshot(Map<String, Map<String, Object>> records, Map<String, String> typeById, Set<String> deleted,
            Map<String, Long> optedOutAt) {
    }

    private Snapshot snapshot() {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        records.forEach((id, r) -> copy.put(id, new LinkedHashMap<>(r)));
        return new Snapshot(copy, new HashMap<>(typeById), new HashSet<>(deleted), new HashMap<>(optedOutAt));
    }

    private void restore(Snapshot s) {
        records.clear();
        records.putAll(s.records());
        typeById.clear();
        typeById.putAll(s.typeById());
        deleted.clear();
        deleted.addAll(s.deleted());
        optedOutAt.clear();
        optedOutAt.putAll(s.optedOutAt());
    }

    private SandboxResponse token(SandboxRequest request) {
        String type = request.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return oauthError("invalid_request", "must use application/x-www-form-urlencoded");
        }
        Map<String, String> form = form(request.bodyText());
        if (!CLIENT_ID.equals(form.get("client_id"))) {
            return oauthError("invalid_client_id", "client identifier invalid");
        }
        if (!CLIENT_SECRET.equals(form.get("client_secret"))) {
            return oauthError("invalid_client", "invalid client credentials");
        }
        String grant = form.getOrDefault("grant_type", "");
        boolean granted = switch (grant) {
            case "refresh_token" -> REFRESH_TOKEN.equals(form.get("refresh_token"));
            case "password" -> USERNAME.equals(form.get("username")) && PASSWORD.equals(form.get("password"));
            case "client_credentials" -> true;
            default -> false;
        };
        if (!granted) {
            return grant.matches("refresh_token|password|client_credentials")
                    ? oauthError("invalid_grant", "authentication failure")
                    : oauthError("unsupported_grant_type", "grant type not supported");
        }
        String session = "00D000000000001!" + "AQ" + (++logins) + Long.toHexString(System.nanoTime());
        sessions.add(session);
        String instance = "http://" + request.header("Host");
        ObjectNode body = JSON.createObjectNode().put("access_token", session).put("instance_url", instance)
                .put("id", instance + "/id/00D000000000001AAA/005000000000001AAA").put("token_type", "Bearer")
                .put("issued_at", String.valueOf(System.currentTimeMillis())).put("signature", "c2FuZGJveA==");
        return SandboxResponse.json(200, body.toString());
    }

    private SandboxResponse query(String version, String soql) {
        if (soql == null || soql.isBlank()) {
            return error(400, "MALFORMED_QUERY", "A query string has to be specified");
        }
        if (failQueries) {
            return error(400, "MALFORMED_QUERY", "unexpected token in the query (injected)");
        }
        if (soql.length() > SOQL_MAX) { // documented limit; the error code is not verified against a real org
            return error(400, "MALFORMED_QUERY", "SOQL statements cannot be longer than 100,000 characters");
        }
        SoqlQuery q;
        try {
            q = SoqlQuery.parse(soql);
        } catch (SoqlQuery.Malformed | NumberFormatException e) {
            return error(400, "MALFORMED_QUERY", "unexpected token in the query");
        }
        Set<String> readable = READABLE.get(q.object());
        if (readable == null) {
            return error(400, "INVALID_TYPE", "sObject type '" + q.object() + "' is not supported.");
        }
        for (String f : q.fields()) {
            if (!readable.contains(f)) {
                return error(400, "INVALID_FIELD", "No such column '" + f + "' on entity '" + q.object() + "'.");
            }
        }
        for (SoqlQuery.Condition c : q.where()) {
            if (!readable.contains(c.field())) {
                return error(400, "INVALID_FIELD", "No such column '" + c.field() + "' on entity '" + q.object() + "'.");
            }
        }
        List<ObjectNode> found = new ArrayList<>();
        records.forEach((id, r) -> {
            if (typeById.get(id).equals(q.object()) && q.filter().test(r)
                    && (q.limit() == null || found.size() < q.limit())) {
                found.add(select(version, id, r, q.fields()));
            }
        });
        return page(version, found, found.size());
    }

    private SandboxResponse more(String version, String locator) {
        Cursor rest = cursors.remove(locator);
        if (rest == null) {
            return error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }
        return page(version, rest.rows(), rest.total());
    }

    private SandboxResponse page(String version, List<ObjectNode> rows, int total) {
        ObjectNode body = JSON.createObjectNode().put("totalSize", total);
        List<ObjectNode> now = rows.subList(0, Math.min(pageSize, rows.size()));
        boolean done = now.size() == rows.size();
        body.put("done", done);
        if (!done) {
            String locator = "01gSB0000000" + (nextCursor++) + "-" + (total - rows.size() + now.size());
            cursors.put(locator, new Cursor(new ArrayList<>(rows.subList(now.size(), rows.size())), total));
            body.put("nextRecordsUrl", "/services/data/" + version + "/query/" + locator);
        }
        ArrayNode array = body.putArray("records");
        now.forEach(array::add);
        return SandboxResponse.json(200, body.toString());
    }

    private ObjectNode select(String version, String id, Map<String, Object> r, List<String> fields) {
        ObjectNode row = JSON.createObjectNode();
        String type = typeById.get(id);
        row.putObject("attributes").put("type", type).put("url", "/services/data/" + version + "/sobjects/" + type + "/" + id);
        for (String f : fields) {
            Object v = r.get(f);
            if (v == null) {
                row.putNull(f);
            } else if (v instanceof Boolean b) {
                row.put(f, b);
            } else if (v instanceof Instant i) {
                row.put(f, SF_TIME.format(i));
            } else {
                row.put(f, v.toString());
            }
        }
        return row;
    }

    private SandboxResponse update(SandboxRequest request) {
        String type = request.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.bodyText());
        } catch (Exception e) {
            return error(400, "JSON_PARSER_ERROR", "Unexpected character in the request body");
        }
        JsonNode list = body == null ? null : body.get("records");
        if (list == null || !list.isArray() || list.isEmpty()) {
            return error(400, "INVALID_FIELD", "records is required and must be a non-empty array");
        }
        if (list.size() > COLLECTION_MAX) {
            return error(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
        }
        int chunks = 0;
        String last = null;
        for (JsonNode r : list) {
            String t = r.path("attributes").path("type").asText("");
            if (!WRITABLE.containsKey(t)) {
                return error(400, "INVALID_TYPE", "Must send a concrete entity type.");
            }
            if (!t.equals(last)) {
                chunks++;
                last = t;
            }
            for (var it = r.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (f.equals("attributes") || f.equalsIgnoreCase("id")) {
                    continue;
                }
                if (!WRITABLE.get(t).contains(f)) {
                    return error(400, "INVALID_FIELD", "No such column '" + f + "' on sobject of type " + t);
                }
                boolean flag = f.startsWith("HasOptedOut") || List.of("ShouldForget", "SendIndividualData",
                        "CanStorePiiElsewhere").contains(f);
                if (flag != r.get(f).isBoolean() && !r.get(f).isNull()) {
                    return error(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of the field " + f);
                }
            }
        }
        if (chunks > TYPE_CHUNKS_MAX) { // documented limit; the error code is not verified against a real org
            return error(400, "INVALID_BATCH_SIZE", "a request may hold at most 10 chunks of one sObject type");
        }
        boolean allOrNone = body.path("allOrNone").asBoolean(false);
        List<String> failures = new ArrayList<>();
        for (JsonNode r : list) {
            failures.add(updateFailure(r));
        }
        boolean rollBack = allOrNone && failures.stream().anyMatch(f -> f != null);
        ArrayNode results = JSON.createArrayNode();
        for (int k = 0; k < list.size(); k++) {
            JsonNode r = list.get(k);
            String id = idOf(r);
            String failure = failures.get(k) != null ? failures.get(k) : rollBack ? "ALL_OR_NONE_OPERATION_ROLLED_BACK" : null;
            ObjectNode result = results.addObject();
            if (id != null) {
                result.put("id", id);
            }
            if (failure == null) {
                Map<String, Object> record = records.get(id);
                r.fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("attributes") && !f.getKey().equalsIgnoreCase("id")) {
                        JsonNode v = f.getValue();
                        record.put(f.getKey(), v.isNull() ? null : v.isBoolean() ? v.asBoolean() : v.asText());
                    }
                });
                record.put("LastModifiedDate", Instant.now());
                if (Boolean.TRUE.equals(record.get("HasOptedOutOfEmail")) && record.get("Email") != null) {
                    optedOutAt.putIfAbsent(record.get("Email").toString().toLowerCase(Locale.ROOT), System.currentTimeMillis());
                }
                result.put("success", true).putArray("errors");
            } else {
                result.put("success", false).putArray("errors").addObject().put("statusCode", failure)
                        .put("message", failure.toLowerCase(Locale.ROOT).replace('_', ' ')).putArray("fields");
            }
        }
        return SandboxResponse.json(200, results.toString());
    }

    private String updateFailure(JsonNode r) {
        String id = idOf(r);
        String type = r.path("attributes").path("type").asText();
        if (id == null) {
            return "MISSING_ARGUMENT";
        }
        if (deleted.contains(id)) {
            return "ENTITY_IS_DELETED";
        }
        if (!records.containsKey(id) || !typeById.get(id).equals(type)) {
            return "MALFORMED_ID";
        }
        if (type.equals("Lead") && Boolean.TRUE.equals(records.get(id).get("IsConverted"))) {
            return "CANNOT_UPDATE_CONVERTED_LEAD";
        }
        return null;
    }

    private static String idOf(JsonNode r) {
        String id = r.has("id") ? r.get("id").asText() : r.has("Id") ? r.get("Id").asText() : null;
        return id == null || id.isBlank() ? null : id;
    }

    private SandboxResponse delete(SandboxRequest request) {
        String ids = param(request, "ids");
        if (ids == null || ids.isBlank()) {
            return error(400, "MISSING_ARGUMENT", "ids is required");
        }
        List<String> list = List.of(ids.split(","));
        if (list.size() > COLLECTION_MAX) {
            return error(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
        }
        boolean allOrNone = "true".equalsIgnoreCase(param(request, "allOrNone"));
        List<String> failures = list.stream().map(id -> deleted.contains(id) ? "ENTITY_IS_DELETED"
                : records.containsKey(id) ? null : "MALFORMED_ID").toList();
        boolean rollBack = allOrNone && failures.stream().anyMatch(f -> f != null);
        ArrayNode results = JSON.createArrayNode();
        for (int k = 0; k < list.size(); k++) {
            String id = list.get(k);
            String failure = failures.get(k) != null ? failures.get(k) : rollBack ? "ALL_OR_NONE_OPERATION_ROLLED_BACK" : null;
            ObjectNode result = results.addObject().put("id", id);
            if (failure == null) {
                records.remove(id);
                deleted.add(id);
                result.put("success", true).putArray("errors");
            } else {
                result.put("success", false).putArray("errors").addObject().put("statusCode", failure)
                        .put("message", failure.toLowerCase(Locale.ROOT).replace('_', ' ')).putArray("fields");
            }
        }
        return SandboxResponse.json(200, results.toString());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private Map<String, Object> person(String type, String email, boolean withIndividual) {
        Map<String, Object> p = create(type);
        p.put("Email", email);
        p.put("FirstName", null);
        p.put("LastName", "Person " + p.get("Id").toString().substring(10));
        p.put("Phone", null);
        p.put("HasOptedOutOfEmail", false);
        p.put("IndividualId", null);
        if (withIndividual) {
            Map<String, Object> i = create("Individual");
            i.put("LastName", p.get("LastName"));
            for (String f : WRITABLE.get("Individual")) {
                if (!f.endsWith("Name")) {
                    i.put(f, false);
                }
            }
            p.put("IndividualId", i.get("Id"));
        }
        return p;
    }

    private Map<String, Object> create(String type) {
        String id = PREFIX.get(type) + String.format("SB%010dAAA", nextId++);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Id", id);
        Instant now = Instant.now();
        r.put("CreatedDate", now);
        r.put("LastModifiedDate", now);
        records.put(id, r);
        typeById.put(id, type);
        return r;
    }

    private SandboxResponse limited(SandboxResponse answer) {
        return answer.withHeader("Sforce-Limit-Info", "api-usage=" + apiUsed + "/" + apiAllowance);
    }

    private static SandboxResponse notAllowed() {
        return error(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed");
    }

    private static SandboxResponse error(int status, String code, String message) {
        ArrayNode body = JSON.createArrayNode();
        body.addObject().put("message", message).put("errorCode", code);
        return SandboxResponse.json(status, body.toString());
    }

    private static SandboxResponse oauthError(String error, String description) {
        return SandboxResponse.json(400, JSON.createObjectNode().put("error", error)
                .put("error_description", description).toString());
    }

    private static String param(SandboxRequest request, String name) {
        return form(request.rawQuery() == null ? "" : request.rawQuery()).get(name);
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }
}
