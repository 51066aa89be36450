package io.lethe.connectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.engine.Template;

/**
 * Reads and checks {@code connectors/*.yaml} in the spirit of the camel-kamelets validator, so that what a file
 * declares is exactly what runs: unknown keys are refused ({@link DescriptorReader}), every parameter is used and every
 * used one declared, every operation is reached by dispatch, reconciliation or another operation, every rate-limit
 * bucket is taken by a call, every filter and hook exists, every purpose maps to a declared operation. Any problem
 * refuses start-up, with the file and the field at fault.
 */
public final class DescriptorValidator {

    static final Set<String> CATEGORIES = Set.of("crm", "marketing", "analytics", "in_house", "manual");
    /** email, external_id (the subject's externalId), any (in-house systems: every identity on record). */
    static final Set<String> IDENTITIES = Set.of("email", "external_id", "any");
    public static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z][A-Za-z0-9]*)(?::[a-z]+)?}}");
    private static final Pattern ID = Pattern.compile("^[a-z][a-z0-9_]{1,31}$");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Set<String> hooks;
    private final Set<String> purposes;

    /**
     * @param hooks    the Java hooks that exist (names a file may give to {@code hook:})
     * @param purposes the configured purposes (lethe.purposes)
     */
    public DescriptorValidator(Set<String> hooks, Set<String> purposes) {
        this.hooks = hooks;
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
        DescriptorReader.Report r = new DescriptorReader.Report(file, problems);
        if (root == null || !root.isObject()) {
            r.add("", "must be a mapping");
            return null;
        }
        ConnectorDescriptor d = new DescriptorReader(r).read(file, root);
        String expectedId = file.getFileName().toString().replaceFirst("\\.yaml$", "");
        if (!ID.matcher(d.id()).matches()) {
            r.add("id", "must be 2-32 lower-case letters, digits or _");
        } else if (!d.id().equals(expectedId)) {
            r.add("id", "must equal the file name (" + expectedId + ")");
        }
        if (!CATEGORIES.contains(d.category())) {
            r.add("category", "must be one of " + String.join(", ", CATEGORIES.stream().sorted().toList()));
        }
        if (!IDENTITIES.contains(d.identity())) {
            r.add("identity", "must be email, external_id or any");
        }
        d.purposes().forEach((purpose, operation) -> {
            if (!purposes.contains(purpose)) {
                r.add("purposes." + purpose, "is not a configured purpose (lethe.purposes)");
            }
            if (!operation.equals("skip") && !d.declares(operation)) {
                r.add("purposes." + purpose, "names " + operation + ", which operations does not declare");
            }
        });
        checkParameters(d, root, r);
        checkOperations(d, r);
        checkDataMap(root, r);
        return r.count > 0 ? null : d;
    }

    /** Kamelet rule: every used parameter is declared and every declared parameter is used. */
    private static void checkParameters(ConnectorDescriptor d, JsonNode root, DescriptorReader.Report r) {
        Set<String> used = new LinkedHashSet<>();
        strings(root.path("client"), s -> collect(s, used));
        strings(root.path("operations"), s -> collect(s, used));
        d.parameters().values().forEach(p -> collect(p.defaultValue(), used));
        d.operations().values().stream().map(Operation::each).filter(e -> e != null).forEach(used::add);
        if (d.purposes().containsValue("skip")) {
            used.add("eraseOnWithdrawal"); // read by dispatch: a withdrawal erases instead of being skipped
        }
        used.stream().filter(u -> !d.parameters().containsKey(u))
                .forEach(u -> r.add("operations", "uses {{" + u + "}}, which parameters does not declare"));
        d.parameters().keySet().stream().filter(p -> !used.contains(p))
                .forEach(p -> r.add("parameters." + p, "is declared but nothing uses it"));
        strings(root, s -> Template.filtersIn(s).stream().filter(f -> !Template.FILTERS.contains(f))
                .forEach(f -> r.add("", "uses the unknown filter '" + f + "' (known: "
                        + String.join(", ", Template.FILTERS.stream().sorted().toList()) + ")")));
    }

    private void checkOperations(ConnectorDescriptor d, DescriptorReader.Report r) {
        Set<String> reached = new LinkedHashSet<>(ConnectorDescriptor.ACTION_OPERATIONS.values());
        reached.add("readState");
        Set<String> buckets = new LinkedHashSet<>();
        for (Operation op : d.operations().values()) {
            String f = "operations." + op.name();
            List<String> refs = new java.util.ArrayList<>(op.lookup());
            refs.addAll(op.readBack());
            refs.add(op.job());
            refs.add(op.then());
            if (op.verifyLater() != null) {
                refs.add(op.verifyLater().operation());
                if (!op.name().equals("erase") || op.job() != null) {
                    r.add(f + ".verifyLater", "is for an erase whose deletion the vendor only queues (no job:)");
                }
            }
            for (String ref : refs) {
                if (ref != null) {
                    reached.add(ref);
                    if (!d.declares(ref)) {
                        r.add(f, "refers to " + ref + ", which operations does not declare");
                    }
                }
            }
            if (op.each() != null && d.parameters().containsKey(op.each())
                    && !"list".equals(d.parameters().get(op.each()).type())) {
                r.add(f + ".each", "must name a parameter of type list");
            }
            if (op.hook() != null && !hooks.contains(op.hook())) {
                r.add(f + ".hook", "names no Java hook (known: " + String.join(", ", hooks) + ")");
            }
            if (d.transport().equals("mail") != (op.mail() != null)) {
                r.add(f, d.transport().equals("mail") ? "needs mail: <template> for the mail transport"
                        : "mail: is only for the mail transport");
            }
            if (op.request() != null) {
                buckets.add(op.rateLimit());
                if (!d.client().rateLimits().isEmpty() && !d.client().rateLimits().containsKey(op.rateLimit())) {
                    r.add(f + ".rateLimit", "names " + op.rateLimit() + ", which client.rateLimits does not declare");
                }
            }
            if (op.name().equals("readState") && (op.response().items() == null || op.response().identity() == null
                    || op.response().state() == null)) {
                r.add(f + ".response", "readState needs items, identity and state");
            }
            if (op.job() != null && d.declares(op.job())) {
                var status = d.operation(op.job()).response();
                if (status.status() == null || status.done().isEmpty()) {
                    r.add("operations." + op.job() + ".response", "a job status operation needs status and done");
                }
                if (op.response().job() == null) {
                    r.add(f + ".response.job", "is required when job: is declared");
                }
            }
        }
        d.operations().keySet().stream().filter(name -> !reached.contains(name))
                .forEach(name -> r.add("operations." + name, "nothing runs it (not a dispatch operation, readState, "
                        + "or the lookup, readBack, then, job or verifyLater of another operation)"));
        d.client().rateLimits().keySet().stream().filter(b -> !buckets.contains(b))
                .forEach(b -> r.add("client.rateLimits." + b, "no operation takes this bucket"));
    }

    /** The data map is read by people (Art. 30 record), never resolved: a {{parameter}} there would print raw. */
    private static void checkDataMap(JsonNode root, DescriptorReader.Report r) {
        strings(root.path("dataMap"), s -> {
            if (PLACEHOLDER.matcher(s).find()) {
                r.add("dataMap", "is plain text for the record of processing; {{parameters}} are not filled in here");
            }
        });
    }

    static void collect(String text, Set<String> into) {
        if (text != null) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                into.add(m.group(1));
            }
        }
    }

    private static void strings(JsonNode node, Consumer<String> each) {
        if (node.isTextual()) {
            each.accept(node.asText());
        }
        if (node.isObject() && node.path("$forEach").isTextual()) { // a $forEach list is an expression of its own
            each.accept("${" + node.get("$forEach").asText() + "}");
        }
        node.forEach(child -> strings(child, each));
    }
}
