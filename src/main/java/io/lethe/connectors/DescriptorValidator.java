package io.lethe.connectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads and checks {@code connectors/*.yaml}, in the spirit of the camel-kamelets validator: unknown keys, missing
 * keys, undeclared or unused parameters and bad values are reported with the file and the field at fault, and any
 * report refuses start-up.
 */
public final class DescriptorValidator {

    static final Set<String> TOP = Set.of("id", "title", "category", "adapter", "identity", "dataCategories",
            "parameters", "purposes", "pushOptIns", "operations");
    static final Set<String> REQUIRED_TOP = Set.of("id", "title", "category", "adapter", "identity", "parameters",
            "purposes", "operations");
    static final Set<String> PARAMETER_KEYS = Set.of("description", "default", "required", "secret", "example");
    static final Set<String> OPERATIONS = Set.of("readState", "optOut", "erase", "readBack", "export", "rectify");
    static final Set<String> OPERATION_KEYS = Set.of("method", "endpoint", "batchMax", "rateLimit", "auth", "each", "query");
    static final Set<String> CATEGORIES = Set.of("crm", "marketing", "analytics");
    static final Set<String> IDENTITIES = Set.of("email", "email_md5", "external_id");
    /** HTTP methods, and SEND for {@code mailto:} endpoints of the e-mail adapter. */
    static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "SEND");
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9]*)(?::[a-z]+)?}}");
    private static final Pattern ID = Pattern.compile("^[a-z][a-z0-9]{1,31}$");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Set<String> adapters;
    private final Set<String> purposes;

    public DescriptorValidator(Set<String> adapters, Set<String> purposes) {
        this.adapters = adapters;
        this.purposes = purposes;
    }

    /** Every descriptor in the folder, or an exception listing every problem found. */
    public List<ConnectorDescriptor> loadAll(Path folder) {
        List<String> problems = new ArrayList<>();
        List<ConnectorDescriptor> descriptors = new ArrayList<>();
        try (var files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                ConnectorDescriptor d = load(file, problems);
                if (d != null) {
                    descriptors.add(d);
                }
            }
        } catch (IOException e) {
            throw new InvalidConnectorException(List.of(folder + ": cannot be read (" + e.getMessage() + ")"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidConnectorException(problems);
        }
        return descriptors;
    }

    ConnectorDescriptor load(Path file, List<String> problems) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            problems.add(file + ": not valid YAML (" + e.getMessage().lines().findFirst().orElse("") + ")");
            return null;
        }
        Report r = new Report(file, problems);
        if (root == null || !root.isObject()) {
            r.add("", "must be a mapping");
            return null;
        }
        r.unknownKeys(root, "", TOP);
        REQUIRED_TOP.stream().filter(k -> !root.has(k)).sorted().forEach(k -> r.add(k, "is required"));

        String id = root.path("id").asText("");
        String expectedId = file.getFileName().toString().replaceFirst("\\.yaml$", "");
        if (!ID.matcher(id).matches()) {
            r.add("id", "must be 2-32 lower-case letters and digits");
        } else if (!id.equals(expectedId)) {
            r.add("id", "must equal the file name (" + expectedId + ")");
        }
        r.oneOf(root, "category", CATEGORIES);
        r.oneOf(root, "identity", IDENTITIES);
        r.oneOf(root, "adapter", adapters);

        Map<String, ConnectorDescriptor.Parameter> parameters = parameters(root.path("parameters"), r);
        Map<String, String> purposeMap = new LinkedHashMap<>();
        root.path("purposes").fields().forEachRemaining(p -> {
            if (!purposes.contains(p.getKey())) {
                r.add("purposes." + p.getKey(), "is not a configured purpose (lethe.purposes)");
            }
            if (!p.getValue().isTextual()) {
                r.add("purposes." + p.getKey(), "must name the vendor action");
            }
            purposeMap.put(p.getKey(), p.getValue().asText());
        });
        if (root.has("pushOptIns") && !root.get("pushOptIns").isBoolean()) {
            r.add("pushOptIns", "must be true or false");
        }
        Map<String, ConnectorDescriptor.Operation> operations = operations(root.path("operations"), r);

        // Kamelet rule: every used parameter is declared and every declared parameter is used.
        Set<String> used = new LinkedHashSet<>();
        operations.values().forEach(op -> {
            collect(op.endpoint(), used);
            collect(op.auth(), used);
            collect(op.each(), used);
            collect(op.query(), used);
        });
        parameters.values().forEach(p -> collect(p.defaultValue(), used));
        used.stream().filter(u -> !parameters.containsKey(u))
                .forEach(u -> r.add("operations", "uses {{" + u + "}}, which parameters does not declare"));
        parameters.keySet().stream().filter(p -> !used.contains(p))
                .forEach(p -> r.add("parameters." + p, "is declared but no operation uses it"));

        if (r.count > 0) {
            return null;
        }
        List<String> categories = new ArrayList<>();
        root.path("dataCategories").forEach(c -> categories.add(c.asText()));
        return new ConnectorDescriptor(file, id, root.path("title").asText(), root.path("category").asText(),
                root.path("adapter").asText(), root.path("identity").asText(), List.copyOf(categories), parameters,
                purposeMap, root.path("pushOptIns").asBoolean(false), operations);
    }

    private Map<String, ConnectorDescriptor.Parameter> parameters(JsonNode node, Report r) {
        Map<String, ConnectorDescriptor.Parameter> parameters = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            String field = "parameters." + e.getKey();
            JsonNode p = e.getValue();
            if (!p.isObject()) {
                r.add(field, "must be a mapping");
                return;
            }
            r.unknownKeys(p, field + ".", PARAMETER_KEYS);
            if (!p.path("description").isTextual()) {
                r.add(field + ".description", "is required");
            }
            boolean secret = p.path("secret").asBoolean(false);
            if (secret && p.has("default")) {
                r.add(field + ".default", "a secret parameter has no default");
            }
            parameters.put(e.getKey(), new ConnectorDescriptor.Parameter(e.getKey(), p.path("description").asText(),
                    p.has("default") ? p.get("default").asText() : null, p.path("required").asBoolean(false), secret));
        });
        return parameters;
    }

    private Map<String, ConnectorDescriptor.Operation> operations(JsonNode node, Report r) {
        Map<String, ConnectorDescriptor.Operation> operations = new LinkedHashMap<>();
        r.unknownKeys(node, "operations.", OPERATIONS);
        if (!node.has("optOut")) {
            r.add("operations.optOut", "is required");
        }
        node.fields().forEachRemaining(e -> {
            String field = "operations." + e.getKey();
            JsonNode op = e.getValue();
            r.unknownKeys(op, field + ".", OPERATION_KEYS);
            String method = op.path("method").asText("");
            if (!METHODS.contains(method)) {
                r.add(field + ".method", "must be one of " + String.join(", ", METHODS.stream().sorted().toList()));
            }
            if (!op.path("endpoint").isTextual()) {
                r.add(field + ".endpoint", "is required");
            }
            int batchMax = op.path("batchMax").asInt(0);
            if (batchMax < 1) {
                r.add(field + ".batchMax", "must be a whole number of at least 1");
            }
            ConnectorDescriptor.RateLimit rate = null;
            if (op.has("rateLimit")) {
                JsonNode rl = op.get("rateLimit");
                r.unknownKeys(rl, field + ".rateLimit.", Set.of("requests", "periodMillis"));
                if (rl.path("requests").asInt(0) < 1 || rl.path("periodMillis").asLong(0) < 1) {
                    r.add(field + ".rateLimit", "needs requests and periodMillis, both at least 1");
                } else {
                    rate = new ConnectorDescriptor.RateLimit(rl.get("requests").asInt(), rl.get("periodMillis").asLong());
                }
            }
            operations.put(e.getKey(), new ConnectorDescriptor.Operation(e.getKey(), method,
                    op.path("endpoint").asText(null), batchMax, rate, op.path("auth").asText(null),
                    op.path("each").asText(null), op.path("query").asText(null)));
        });
        return operations;
    }

    static void collect(String text, Set<String> into) {
        if (text != null) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                into.add(m.group(1));
            }
        }
    }

    /** Collects problems as "file: field: message". */
    private static final class Report {
        private final Path file;
        private final List<String> problems;
        int count;

        Report(Path file, List<String> problems) {
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

        void oneOf(JsonNode root, String key, Set<String> allowed) {
            if (root.has(key) && !allowed.contains(root.get(key).asText())) {
                add(key, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }
}
