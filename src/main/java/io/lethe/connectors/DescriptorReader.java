package io.lethe.connectors;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.connectors.ConnectorDescriptor.Client;
import io.lethe.connectors.ConnectorDescriptor.ErrorRule;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.ConnectorDescriptor.Pagination;
import io.lethe.connectors.ConnectorDescriptor.Parameter;
import io.lethe.connectors.ConnectorDescriptor.Quota;
import io.lethe.connectors.ConnectorDescriptor.RateLimit;
import io.lethe.connectors.ConnectorDescriptor.Request;
import io.lethe.connectors.ConnectorDescriptor.Response;
import io.lethe.connectors.ConnectorDescriptor.RetryAfter;
import io.lethe.connectors.ConnectorDescriptor.State;
import io.lethe.connectors.ConnectorDescriptor.VerifyLater;

/**
 * Turns one connector file's tree into a {@link ConnectorDescriptor}, refusing every key the engine does not read
 * (so nothing can be declared that does not run). Problems go to the {@link Report} with the field at fault.
 */
final class DescriptorReader {

    static final Set<String> TOP = Set.of("id", "title", "category", "identity", "dataCategories", "parameters",
            "purposes", "pushOptIns", "client", "operations", "dataMap");
    static final Set<String> DATA_MAP_KEYS = Set.of("region", "dataSubjects", "transfers");
    static final Set<String> REQUIRED_TOP = Set.of("id", "title", "category", "identity", "parameters", "purposes",
            "client", "operations");
    static final Set<String> PARAMETER_KEYS = Set.of("title", "description", "type", "format", "default", "required",
            "example");
    static final Set<String> PARAMETER_TYPES = Set.of("string", "integer", "boolean", "list", "file");
    static final Set<String> CLIENT_KEYS = Set.of("transport", "baseUrl", "auth", "headers", "contentType",
            "rateLimits", "errors");
    static final Set<String> TRANSPORTS = Set.of("http", "salesforce", "mail");
    static final Map<String, Set<String>> AUTH_KEYS = Map.of("bearer", Set.of("type", "token"),
            "basic", Set.of("type", "username", "password"), "header", Set.of("type", "name", "value"),
            "oauth2-jwt", Set.of("type", "keyFile", "scope"), "standard-webhooks", Set.of("type", "secret"),
            "salesforce-session", Set.of("type", "loginUrl", "clientId", "clientSecret", "refreshToken", "username",
                    "password", "apiVersion"), "none", Set.of("type"));
    static final Set<String> ERROR_KEYS = Set.of("status", "body", "header", "action", "parkFor", "retryAfter");
    static final Set<String> ERROR_ACTIONS = Set.of("retry", "park", "permanent", "notFound", "ok");
    static final Set<String> RETRY_UNITS = Set.of("seconds", "millis", "epochSeconds", "httpDate");
    static final Set<String> OPERATION_KEYS = Set.of("batchMax", "rateLimit", "each", "lookup", "per", "request",
            "response", "readBack", "then", "job", "pagination", "incremental", "hook", "maxUriLength", "maxBodyBytes",
            "itemsMax", "mail", "quota", "verifyLater", "groupBy", "maxBodyItems");
    static final Set<String> REQUEST_KEYS = Set.of("method", "path", "query", "headers", "body", "contentType");
    static final Set<String> RESPONSE_KEYS = Set.of("notFound", "found", "failed", "failedRecords", "items",
            "identity", "capture", "state", "job", "status", "done", "results", "accepted", "data");
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** What an operation's calls may be split by: a call never mixes two values of it. */
    static final Set<String> GROUP_BY = Set.of("regulation");
    static final Set<String> PAGINATION_TYPES = Set.of("cursor", "offset", "nextUrl");

    private final Report r;

    DescriptorReader(Report report) {
        this.r = report;
    }

    ConnectorDescriptor read(java.nio.file.Path file, JsonNode root) {
        r.unknownKeys(root, "", TOP);
        REQUIRED_TOP.stream().filter(k -> !root.has(k)).sorted().forEach(k -> r.add(k, "is required"));
        Map<String, Parameter> parameters = parameters(root.path("parameters"));
        Map<String, String> purposes = new LinkedHashMap<>();
        Map<String, List<String>> purposeFields = new LinkedHashMap<>();
        root.path("purposes").fields().forEachRemaining(p -> {
            JsonNode v = p.getValue();
            if (v.isObject()) { // {operation, fields}: the fields a hook sets for this purpose
                r.unknownKeys(v, "purposes." + p.getKey() + ".", Set.of("operation", "fields"));
                purposes.put(p.getKey(), v.path("operation").asText("optOut"));
                purposeFields.put(p.getKey(), texts(v.path("fields")));
            } else if (v.isTextual()) {
                purposes.put(p.getKey(), v.asText());
            } else {
                r.add("purposes." + p.getKey(), "must name an operation (or skip)");
            }
        });
        if (root.has("pushOptIns") && !root.get("pushOptIns").isBoolean()) {
            r.add("pushOptIns", "must be true or false");
        }
        Client client = client(root.path("client"));
        Map<String, Operation> operations = new LinkedHashMap<>();
        root.path("operations").fields().forEachRemaining(e -> operations.put(e.getKey(),
                operation("operations." + e.getKey(), e.getKey(), e.getValue())));
        List<String> categories = new ArrayList<>();
        root.path("dataCategories").forEach(c -> categories.add(c.asText()));
        return new ConnectorDescriptor(file, root.path("id").asText(""), root.path("title").asText(""),
                root.path("category").asText(""), root.path("identity").asText(""), List.copyOf(categories), parameters,
                purposes, purposeFields, root.path("pushOptIns").asBoolean(false), client, operations,
                dataMap(root.path("dataMap")));
    }

    /** The record-of-processing facts; {@code region} is required once the block is there. */
    private ConnectorDescriptor.DataMap dataMap(JsonNode node) {
        if (node.isMissingNode()) {
            return null;
        }
        if (!node.isObject()) {
            r.add("dataMap", "must be a mapping");
            return null;
        }
        r.unknownKeys(node, "dataMap.", DATA_MAP_KEYS);
        if (!node.path("region").isTextual() || node.path("region").asText().isBlank()) {
            r.add("dataMap.region", "is required");
        }
        if (node.has("dataSubjects") && !node.get("dataSubjects").isArray()) {
            r.add("dataMap.dataSubjects", "must be a list");
        }
        return new ConnectorDescriptor.DataMap(node.path("region").asText(""), texts(node.path("dataSubjects")),
                node.path("transfers").asText(null));
    }

    private Map<String, Parameter> parameters(JsonNode node) {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            String field = "parameters." + e.getKey();
            JsonNode p = e.getValue();
            if (!p.isObject()) {
                r.add(field, "must be a mapping");
                return;
            }
            r.unknownKeys(p, field + ".", PARAMETER_KEYS);
            if (!p.path("title").isTextual()) {
                r.add(field + ".title", "is required");
            }
            String type = p.path("type").asText("string");
            if (!PARAMETER_TYPES.contains(type)) {
                r.add(field + ".type", "must be one of " + sorted(PARAMETER_TYPES));
            }
            if (p.has("format") && !p.path("format").asText().equals("password")) {
                r.add(field + ".format", "must be password (a secret) or absent");
            }
            if (p.path("format").asText().equals("password") && p.has("default")) {
                r.add(field + ".default", "a secret has no default");
            }
            parameters.put(e.getKey(), new Parameter(e.getKey(), p.path("title").asText(""),
                    p.path("description").asText(""), type, p.path("format").asText(null),
                    p.has("default") ? p.get("default").asText() : null, p.path("required").asBoolean(false)));
        });
        return parameters;
    }

    private Client client(JsonNode c) {
        r.unknownKeys(c, "client.", CLIENT_KEYS);
        String transport = c.path("transport").asText("http");
        if (!TRANSPORTS.contains(transport)) {
            r.add("client.transport", "must be one of " + sorted(TRANSPORTS));
        }
        if (transport.equals("http") && !c.path("baseUrl").isTextual()) {
            r.add("client.baseUrl", "is required for the http transport");
        }
        Map<String, String> auth = strings(c.path("auth"), "client.auth");
        String type = auth.getOrDefault("type", transport.equals("http") ? "" : "none");
        if (transport.equals("http") && !AUTH_KEYS.containsKey(type)) {
            r.add("client.auth.type", "must be one of " + sorted(AUTH_KEYS.keySet()));
        } else if (AUTH_KEYS.containsKey(type)) {
            r.unknownKeys(c.path("auth"), "client.auth.", AUTH_KEYS.get(type));
            AUTH_KEYS.get(type).stream().filter(k -> !k.equals("type") && !auth.containsKey(k))
                    .filter(k -> !type.equals("salesforce-session") || Set.of("loginUrl", "clientId").contains(k)).sorted()
                    .forEach(k -> r.add("client.auth." + k, "is required for " + type));
        }
        Map<String, RateLimit> limits = new LinkedHashMap<>();
        c.path("rateLimits").fields().forEachRemaining(e -> {
            JsonNode rl = e.getValue();
            String field = "client.rateLimits." + e.getKey();
            r.unknownKeys(rl, field + ".", Set.of("requests", "periodMillis", "burst"));
            RateLimit burst = null;
            if (rl.has("burst")) {
                JsonNode b = rl.get("burst");
                r.unknownKeys(b, field + ".burst.", Set.of("requests", "periodMillis"));
                if (b.path("requests").asInt(0) < 1 || b.path("periodMillis").asLong(0) < 1) {
                    r.add(field + ".burst", "needs requests and periodMillis, both at least 1");
                } else {
                    burst = new RateLimit(b.get("requests").asInt(), b.get("periodMillis").asLong());
                }
            }
            if (rl.path("requests").asInt(0) < 1 || rl.path("periodMillis").asLong(0) < 1) {
                r.add(field, "needs requests and periodMillis, both at least 1");
            } else {
                limits.put(e.getKey(), new RateLimit(rl.get("requests").asInt(), rl.get("periodMillis").asLong(), burst));
            }
        });
        return new Client(transport, c.path("baseUrl").asText(null), auth, strings(c.path("headers"), "client.headers"),
                c.path("contentType").asText("application/json"), limits, errors(c.path("errors"), "client.errors"));
    }

    private List<ErrorRule> errors(JsonNode node, String field) {
        List<ErrorRule> rules = new ArrayList<>();
        int i = 0;
        for (JsonNode e : node) {
            String f = field + "[" + i++ + "]";
            r.unknownKeys(e, f + ".", ERROR_KEYS);
            Set<Integer> statuses = new LinkedHashSet<>();
            JsonNode st = e.path("status");
            for (JsonNode s : st.isArray() ? st : List.of(st)) {
                if (s.isInt()) {
                    statuses.add(s.asInt());
                } else if (s.isTextual() && s.asText().matches("\\d{3}-\\d{3}")) {
                    int from = Integer.parseInt(s.asText().substring(0, 3));
                    int to = Integer.parseInt(s.asText().substring(4));
                    for (int x = from; x <= to; x++) {
                        statuses.add(x);
                    }
                } else if (!s.isMissingNode()) {
                    r.add(f + ".status", "must be a status, a list of them or a range like 500-599");
                }
            }
            String action = e.path("action").asText("");
            if (!ERROR_ACTIONS.contains(action)) {
                r.add(f + ".action", "must be one of " + sorted(ERROR_ACTIONS));
            }
            JsonNode body = e.path("body");
            r.unknownKeys(body, f + ".body.", Set.of("path", "matches"));
            Duration parkFor = null;
            if (e.has("parkFor")) {
                try {
                    parkFor = Duration.parse(e.get("parkFor").asText());
                } catch (DateTimeParseException bad) {
                    r.add(f + ".parkFor", "must be an ISO-8601 duration such as PT1H");
                }
            } else if (action.equals("park") && !e.has("retryAfter")) {
                r.add(f + ".parkFor", "is required for park (or retryAfter: the header saying until when)");
            }
            List<RetryAfter> retryAfter = new ArrayList<>();
            for (JsonNode ra : e.path("retryAfter")) {
                r.unknownKeys(ra, f + ".retryAfter.", Set.of("header", "unit"));
                String unit = ra.path("unit").asText("seconds");
                if (!RETRY_UNITS.contains(unit)) {
                    r.add(f + ".retryAfter.unit", "must be one of " + sorted(RETRY_UNITS));
                }
                retryAfter.add(new RetryAfter(ra.path("header").asText(""), unit));
            }
            rules.add(new ErrorRule(statuses, body.path("path").asText(null), body.path("matches").asText(null),
                    e.path("header").asText(null), action, parkFor, retryAfter));
        }
        return rules;
    }

    private Operation operation(String f, String name, JsonNode op) {
        r.unknownKeys(op, f + ".", OPERATION_KEYS);
        int batchMax = op.path("batchMax").asInt(1);
        if (batchMax < 1) {
            r.add(f + ".batchMax", "must be a whole number of at least 1");
        }
        String per = op.path("per").asText("batch");
        if (!Set.of("batch", "record").contains(per)) {
            r.add(f + ".per", "must be batch or record");
        }
        Request request = null;
        if (op.has("request")) {
            JsonNode q = op.get("request");
            r.unknownKeys(q, f + ".request.", REQUEST_KEYS);
            String method = q.path("method").asText("");
            if (!METHODS.contains(method)) {
                r.add(f + ".request.method", "must be one of " + sorted(METHODS));
            }
            if (!q.path("path").isTextual()) {
                r.add(f + ".request.path", "is required");
            }
            request = new Request(method, q.path("path").asText(""), nodes(q.path("query")),
                    strings(q.path("headers"), f + ".request.headers"), q.has("body") ? q.get("body") : null,
                    q.path("contentType").asText(null));
        } else if (!op.has("mail") && !op.has("lookup")) {
            r.add(f + ".request", "is required (or mail, for the mail transport, or a lookup whose items are the answer)");
        }
        Response response = response(f + ".response", op.path("response"));
        Pagination pagination = null;
        if (op.has("pagination")) {
            JsonNode p = op.get("pagination");
            r.unknownKeys(p, f + ".pagination.", Set.of("type", "next", "size", "total"));
            if (!PAGINATION_TYPES.contains(p.path("type").asText())) {
                r.add(f + ".pagination.type", "must be one of " + sorted(PAGINATION_TYPES));
            }
            pagination = new Pagination(p.path("type").asText(), p.path("next").asText(null), p.path("size").asInt(100),
                    p.path("total").asText(null));
        }
        Map<String, JsonNode> incremental = Map.of();
        Map<String, JsonNode> incrementalBody = Map.of();
        if (op.has("incremental")) {
            r.unknownKeys(op.get("incremental"), f + ".incremental.", Set.of("query", "body"));
            incremental = nodes(op.get("incremental").path("query"));
            incrementalBody = nodes(op.get("incremental").path("body"));
        }
        Quota quota = null;
        if (op.has("quota")) {
            JsonNode q = op.get("quota");
            r.unknownKeys(q, f + ".quota.", Set.of("ids", "per", "timezone"));
            if (q.path("ids").asLong(0) < 1 || !Set.of("month", "day").contains(q.path("per").asText())) {
                r.add(f + ".quota", "needs ids (at least 1) and per (month or day)");
            }
            String zone = q.path("timezone").asText("UTC");
            try {
                java.time.ZoneId.of(zone);
            } catch (java.time.DateTimeException e) {
                r.add(f + ".quota.timezone", "must be a time-zone id such as America/Los_Angeles");
            }
            quota = new Quota(q.path("ids").asLong(), q.path("per").asText(), zone);
        }
        VerifyLater verifyLater = null;
        if (op.has("verifyLater")) {
            JsonNode v = op.get("verifyLater");
            r.unknownKeys(v, f + ".verifyLater.", Set.of("operation", "after", "every", "until", "gather"));
            if (!v.path("operation").isTextual()) {
                r.add(f + ".verifyLater.operation", "is required (the read-back operation)");
            }
            for (String key : List.of("after", "every", "until", "gather")) {
                String text = v.path(key).asText(key.equals("gather") ? "PT0S" : "");
                if (!text.contains("{{")) {
                    try {
                        Duration.parse(text);
                    } catch (java.time.format.DateTimeParseException e) {
                        r.add(f + ".verifyLater." + key, "must be an ISO-8601 duration such as PT10M (or a {{parameter}})");
                    }
                }
            }
            verifyLater = new VerifyLater(v.path("operation").asText(null), v.path("after").asText(""),
                    v.path("every").asText(""), v.path("until").asText(""), v.path("gather").asText(""));
        }
        String groupBy = op.path("groupBy").asText(null);
        if (groupBy != null && !GROUP_BY.contains(groupBy)) {
            r.add(f + ".groupBy", "must be one of " + sorted(GROUP_BY));
        }
        ConnectorDescriptor.BodyItems bodyItems = null;
        if (op.has("maxBodyItems")) {
            JsonNode b = op.get("maxBodyItems");
            r.unknownKeys(b, f + ".maxBodyItems.", Set.of("path", "max"));
            if (!b.path("path").isTextual() || b.path("max").asInt(0) < 1) {
                r.add(f + ".maxBodyItems", "needs path (a JSONPath into the request body) and max (at least 1)");
            } else if (!op.path("request").has("body")) {
                r.add(f + ".maxBodyItems", "counts items of the request body, but the request has no body");
            }
            bodyItems = new ConnectorDescriptor.BodyItems(b.path("path").asText(), b.path("max").asInt(0));
        }
        JsonNode each = op.path("each");
        return new Operation(name, batchMax, op.path("rateLimit").asText("default"), each.isTextual() ? each.asText() : null,
                each.isArray() ? texts(each) : List.of(), names(op.path("lookup")), per, request, response,
                names(op.path("readBack")), op.path("then").asText(null), op.path("job").asText(null), pagination,
                incremental, op.path("hook").asText(null), op.path("maxUriLength").asInt(0),
                op.path("maxBodyBytes").asInt(0), op.path("itemsMax").asInt(0), op.path("mail").asText(null), quota,
                verifyLater, groupBy, incrementalBody, bodyItems);
    }

    private Response response(String f, JsonNode n) {
        r.unknownKeys(n, f + ".", RESPONSE_KEYS);
        List<Integer> notFound = new ArrayList<>();
        n.path("notFound").forEach(s -> notFound.add(s.asInt()));
        State state = null;
        if (n.has("state")) {
            JsonNode s = n.get("state");
            r.unknownKeys(s, f + ".state.", Set.of("path", "unsubscribed", "subscribed", "constant"));
            state = new State(s.path("path").asText(null), texts(s.path("unsubscribed")), texts(s.path("subscribed")),
                    s.path("constant").asText(null));
        }
        Map<String, String> capture = strings(n.path("capture"), f + ".capture");
        // "failed" is a JSONPath of rejected identities in call answers and a list of states in job status answers.
        String failedPath = n.path("failed").isTextual() ? n.get("failed").asText() : null;
        List<String> failedStates = n.path("failed").isArray() ? texts(n.get("failed")) : List.of();
        ConnectorDescriptor.Results results = null;
        if (n.has("results")) {
            JsonNode rs = n.get("results");
            r.unknownKeys(rs, f + ".results.", Set.of("items", "commandId", "status", "data", "outcomes"));
            results = new ConnectorDescriptor.Results(rs.path("items").asText("$.results[*]"),
                    rs.path("commandId").asText("$.commandId"), rs.path("status").asText("$.status"),
                    rs.path("data").asText(null), strings(rs.path("outcomes"), f + ".results.outcomes"));
        }
        List<Integer> accepted = new ArrayList<>();
        n.path("accepted").forEach(a -> accepted.add(a.asInt()));
        return new Response(List.copyOf(notFound), n.path("found").asText(null), failedPath,
                n.path("failedRecords").asText(null), n.path("items").asText(null), n.path("identity").asText(null),
                capture, state, n.path("job").asText(null), n.path("status").asText(null), texts(n.path("done")),
                failedStates, results, List.copyOf(accepted), n.path("data").asText(null));
    }

    private Map<String, String> strings(JsonNode node, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode()) {
                r.add(field + "." + e.getKey(), "must be a text");
            }
            out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    private static Map<String, JsonNode> nodes(JsonNode node) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** One operation name or a list of them. */
    private static List<String> names(JsonNode node) {
        return node.isTextual() ? List.of(node.asText()) : texts(node);
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    private static String sorted(Set<String> values) {
        return String.join(", ", values.stream().sorted().toList());
    }

    /** Collects problems as "file: field: message". */
    static final class Report {
        private final java.nio.file.Path file;
        private final List<String> problems;
        int count;

        Report(java.nio.file.Path file, List<String> problems) {
            this.file = file;
            this.problems = problems;
        }

        void add(String field, String message) {
            count++;
            problems.add(file + ": " + (field.isEmpty() ? "" : field + ": ") + message);
        }

        void unknownKeys(JsonNode node, String prefix, Set<String> allowed) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!allowed.contains(name)) {
                    add(prefix + name, "unknown key");
                }
            }
        }
    }
}
