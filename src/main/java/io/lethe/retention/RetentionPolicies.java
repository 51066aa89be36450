package io.lethe.retention;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads and validates config/retention.yaml at start, like the connector files: an unknown key, a bad period, a
 * connector that does not exist or a duplicate id refuses the start with every problem named
 * ({@link InvalidRetentionConfigException}). Nothing in the file runs that the hub does not understand.
 */
public final class RetentionPolicies {

    static final Set<String> TOP = Set.of("policies");
    static final Set<String> POLICY_KEYS = Set.of("id", "description", "enabled", "kind", "after", "connectors",
            "limit");
    static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,47}$");
    static final Pattern PERIOD = Pattern.compile("^(\\d{1,4})\\s*(day|days|week|weeks|month|months|year|years)$");

    private final List<RetentionPolicy> policies;

    RetentionPolicies(List<RetentionPolicy> policies) {
        this.policies = List.copyOf(policies);
    }

    public List<RetentionPolicy> all() {
        return policies;
    }

    public List<RetentionPolicy> enabled() {
        return policies.stream().filter(RetentionPolicy::enabled).toList();
    }

    public Optional<RetentionPolicy> find(String id) {
        return policies.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /** Reads the file; {@code connectorIds} are the connectors known in connectors/ (enabled or not). */
    public static RetentionPolicies load(Path file, Set<String> connectorIds) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidRetentionConfigException(file.toString(), List.of("cannot be read (" + e.getClass()
                    .getSimpleName() + "); set LETHE_RETENTION_FILE to the retention policy file"));
        }
        return parse(file.toString(), text, connectorIds);
    }

    /** Parses the text of a retention file (named {@code name} in messages). */
    public static RetentionPolicies parse(String name, String yaml, Set<String> connectorIds) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new InvalidRetentionConfigException(name, List.of("is not valid YAML: " + firstLine(e.getMessage())));
        }
        List<String> problems = new ArrayList<>();
        List<RetentionPolicy> policies = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new RetentionPolicies(List.of()); // an empty file: no policies
        }
        if (!root.isObject()) {
            throw new InvalidRetentionConfigException(name, List.of("must be a mapping with a 'policies' list"));
        }
        unknownKeys(root, "", TOP, problems);
        JsonNode list = root.path("policies");
        if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
            problems.add("policies: must be a list");
        } else if (list.isArray()) {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String id = list.get(i).path("id").asText("");
                if (!id.isBlank() && !ids.add(id)) {
                    problems.add("policies[" + i + "].id: '" + id + "' is used twice");
                }
                policy(list.get(i), "policies[" + i + "].", connectorIds, problems).ifPresent(policies::add);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRetentionConfigException(name, problems);
        }
        return new RetentionPolicies(policies);
    }

    private static Optional<RetentionPolicy> policy(JsonNode node, String at, Set<String> connectorIds,
            List<String> problems) {
        if (!node.isObject()) {
            problems.add(at.substring(0, at.length() - 1) + ": must be a mapping");
            return Optional.empty();
        }
        int before = problems.size();
        unknownKeys(node, at, POLICY_KEYS, problems);
        String id = text(node, "id", at, problems);
        if (id != null && !ID.matcher(id).matches()) {
            problems.add(at + "id: '" + id + "' must be 1-48 lower-case letters, digits, '-' or '_'");
        }
        String description = text(node, "description", at, problems);
        JsonNode enabled = node.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            problems.add(at + "enabled: is required, true or false");
        }
        String kindText = text(node, "kind", at, problems);
        RetentionPolicy.Kind kind = null;
        if (kindText != null) {
            for (RetentionPolicy.Kind k : RetentionPolicy.Kind.values()) {
                if (k.wire().equals(kindText)) {
                    kind = k;
                }
            }
            if (kind == null) {
                problems.add(at + "kind: '" + kindText + "' is not inactive_subject or connector_age");
            }
        }
        String afterText = text(node, "after", at, problems);
        Period after = afterText == null ? null : period(afterText).orElse(null);
        if (afterText != null && after == null) {
            problems.add(at + "after: '" + afterText + "' is not a period such as 24 months, 90 days, 2 years or P24M"
                    + " (at least one day)");
        }
        List<String> connectors = List.of();
        JsonNode list = node.get("connectors");
        if (kind == RetentionPolicy.Kind.CONNECTOR_AGE) {
            if (list == null || !list.isArray() || list.isEmpty()) {
                problems.add(at + "connectors: a connector_age policy names at least one connector");
            } else {
                List<String> named = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    String c = list.get(i).isTextual() ? list.get(i).asText() : null;
                    if (c != null && !connectorIds.contains(c) && !(enabled != null && enabled.asBoolean(false))) {
                        continue; // a policy left off may name connectors this installation removed from connectors/
                    }
                    if (c == null || !connectorIds.contains(c)) {
                        problems.add(at + "connectors[" + i + "]: " + (c == null ? "must be a connector id"
                                : "'" + c + "' is not a connector in connectors/") + " (known: "
                                + String.join(", ", new java.util.TreeSet<>(connectorIds)) + ")");
                    } else if (!named.contains(c)) {
                        named.add(c);
                    }
                }
                connectors = List.copyOf(named);
            }
        } else if (list != null) {
            problems.add(at + "connectors: only a connector_age policy names connectors (an inactive_subject policy"
                    + " erases at every enabled connector)");
        }
        Integer limit = null;
        JsonNode limitNode = node.get("limit");
        if (limitNode != null && !limitNode.isNull()) {
            if (!limitNode.isInt() || limitNode.asInt() < 1) {
                problems.add(at + "limit: must be a whole number of at least 1 (the most erasures one run may file)");
            } else {
                limit = limitNode.asInt();
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new RetentionPolicy(id, description, enabled.asBoolean(), kind, after, connectors, limit));
    }

    /** "24 months", "90 days", "2 years", "6 weeks" or ISO-8601 "P24M"; at least one day. */
    static Optional<Period> period(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Period p = null;
        Matcher m = PERIOD.matcher(t);
        if (m.matches()) {
            int n = Integer.parseInt(m.group(1));
            p = switch (m.group(2).replaceAll("s$", "")) {
                case "day" -> Period.ofDays(n);
                case "week" -> Period.ofWeeks(n);
                case "month" -> Period.ofMonths(n);
                default -> Period.ofYears(n);
            };
        } else if (t.startsWith("p")) {
            try {
                p = Period.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (p == null || p.isNegative() || p.isZero()) {
            return Optional.empty();
        }
        return Optional.of(p);
    }

    private static String text(JsonNode node, String field, String at, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || !v.isValueNode() || v.asText().isBlank()) {
            problems.add(at + field + ": is required");
            return null;
        }
        if (v.asText().length() > 500) {
            problems.add(at + field + ": is longer than 500 characters");
            return null;
        }
        return v.asText().strip();
    }

    private static void unknownKeys(JsonNode node, String at, Set<String> allowed, List<String> problems) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!allowed.contains(n)) {
                problems.add(at + n + ": unknown key (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed))
                        + ")");
            }
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
