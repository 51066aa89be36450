package io.lethe.connectors.vendors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.connectors.Connector;
import io.lethe.connectors.Target;
import io.lethe.connectors.TargetOutcome;
import io.lethe.connectors.VendorAdapter;
import io.lethe.connectors.engine.ConnectorEngine;
import io.lethe.connectors.VendorException;
import io.lethe.connectors.VendorText;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.AuthenticationType;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;

/**
 * Salesforce through camel-salesforce (which logs in, refreshes the session and retries a 401 by itself). A person
 * is every Contact and every unconverted Lead with their e-mail, found in SOQL {@code IN} look-ups cut by encoded
 * length ({@link SoqlLookup}). A purpose's action names the fields to set, such as
 * {@code Contact.HasOptedOutOfEmail Lead.HasOptedOutOfEmail}, or {@code Individual.HasOptedOutSolicit} for the
 * Individual a Contact or Lead points to. Updates go in sObject collections of at most 200 records.
 * {@code 403 REQUEST_LIMIT_EXCEEDED} parks the connector.
 */
public final class SalesforceAdapter implements VendorAdapter, ConnectorEngine.LegacyTransport {

    /** Purpose -> the fields set to true (Object.Field), as connectors/salesforce.yaml describes. */
    static final Map<String, String> FLAGS = Map.of(
            "email_marketing", "Contact.HasOptedOutOfEmail Lead.HasOptedOutOfEmail",
            "sms_marketing", "Individual.HasOptedOutSolicit",
            "analytics", "Individual.HasOptedOutTracking",
            "profiling", "Individual.HasOptedOutProfiling",
            "third_party_sharing", "Individual.HasOptedOutProcessing");

    static final Duration LIMIT_PARK = Duration.ofMinutes(15);
    private static final int COLLECTION_MAX = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProducerTemplate template;

    public SalesforceAdapter(CamelContext context) {
        this.template = context.createProducerTemplate();
    }

    /** One camel-salesforce component per connector (as the salesforce kamelets do), logging in lazily. */
    public static void registerComponent(CamelContext context, Connector connector) {
        SalesforceComponent sf = new SalesforceComponent(context);
        sf.setLoginUrl(connector.setting("loginUrl"));
        sf.setClientId(connector.setting("clientId"));
        sf.setClientSecret(connector.setting("clientSecret"));
        if (!connector.setting("refreshToken").isBlank()) {
            sf.setRefreshToken(connector.setting("refreshToken"));
            sf.setAuthenticationType(AuthenticationType.REFRESH_TOKEN);
        } else if (!connector.setting("username").isBlank()) {
            sf.setUserName(connector.setting("username"));
            sf.setPassword(connector.setting("password"));
            sf.setAuthenticationType(AuthenticationType.USERNAME_PASSWORD);
        } else {
            sf.setAuthenticationType(AuthenticationType.CLIENT_CREDENTIALS);
        }
        sf.setLazyLogin(true); // start-up never waits for, or fails on, the vendor
        SalesforceEndpointConfig config = new SalesforceEndpointConfig();
        config.setApiVersion(connector.setting("apiVersion"));
        config.setRawPayload(true);
        sf.setConfig(config);
        context.addComponent(componentName(connector), sf);
    }

    static String componentName(Connector connector) {
        return "lethe-" + connector.id();
    }

    @Override
    public List<TargetOutcome> optOut(Connector connector, List<Target> targets) {
        return setFlags(connector, targets, true);
    }

    /** Opt-in clears the purpose's opt-out flag. */
    public List<TargetOutcome> optIn(Connector connector, List<Target> targets) {
        return setFlags(connector, targets, false);
    }

    private List<TargetOutcome> setFlags(Connector connector, List<Target> targets, boolean optedOut) {
        Map<String, List<JsonNode>> people = findPeople(connector, emailsOf(targets));

        // Records to update, merged per id so one record gets all its flags in one update.
        Map<String, ObjectNode> records = new LinkedHashMap<>();
        Map<Long, List<String>> recordIdsByCommand = new HashMap<>();
        for (Target t : targets) {
            List<String> ids = new ArrayList<>();
            for (String field : FLAGS.getOrDefault(t.purpose(), "").split("\\s+")) {
                String[] typeAndField = field.split("\\.", 2);
                for (String email : t.emails()) {
                    for (JsonNode person : people.getOrDefault(email.toLowerCase(Locale.ROOT), List.of())) {
                        String id = recordId(person, typeAndField[0]);
                        if (id == null) {
                            continue;
                        }
                        records.computeIfAbsent(id, k -> {
                            ObjectNode r = JSON.createObjectNode();
                            r.putObject("attributes").put("type", typeAndField[0]);
                            r.put("id", k);
                            return r;
                        }).put(typeAndField[1], optedOut);
                        ids.add(id);
                    }
                }
            }
            recordIdsByCommand.put(t.commandId(), ids);
        }
        Map<String, String> failureById = update(connector, new ArrayList<>(records.values()));

        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            List<String> ids = recordIdsByCommand.get(t.commandId());
            if (ids.isEmpty()) {
                outcomes.add(TargetOutcome.notFound(t.commandId(), 200, "no matching Contact, Lead or Individual"));
                continue;
            }
            String failure = ids.stream().map(failureById::get).filter(f -> f != null).findFirst().orElse(null);
            outcomes.add(failure == null
                    ? TargetOutcome.delivered(t.commandId(), 200, "updated " + ids.size() + " record(s)")
                    : TargetOutcome.rejected(t.commandId(), 200, "Salesforce " + failure));
        }
        return outcomes;
    }

    /**
     * The id of the record of {@code type} that a found Contact or Lead stands for: itself, or its Individual; null
     * when it has none of that type.
     */
    private static String recordId(JsonNode person, String type) {
        String own = person.path("attributes").path("type").asText();
        String id = type.equals("Individual") ? person.path("IndividualId").asText("")
                : type.equals(own) ? person.path("Id").asText("") : "";
        return id.isEmpty() || id.equals("null") ? null : id;
    }

    /**
     * Deletes the person's Contacts and Leads (sObject collections, 200 ids per call), then queries again: nothing
     * left is {@code verified}.
     */
    @Override
    public List<TargetOutcome> erase(Connector connector, List<Target> targets) {
        Set<String> emails = emailsOf(targets);
        Map<String, List<String>> idsByEmail = findRecordIds(connector, emails);
        List<String> ids = idsByEmail.values().stream().flatMap(List::stream).distinct().toList();
        String path = "/services/data/v" + connector.setting("apiVersion") + "/composite/sobjects";
        for (int from = 0; from < ids.size(); from += COLLECTION_MAX) {
            String chunk = String.join(",", ids.subList(from, Math.min(ids.size(), from + COLLECTION_MAX)));
            call(connector, "raw?rawMethod=DELETE&rawPath=" + path + "&rawQueryParameters=ids,allOrNone",
                    null, Map.of("ids", chunk, "allOrNone", "false"));
        }
        Map<String, List<String>> left = ids.isEmpty() ? Map.of() : findRecordIds(connector, emails);
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            boolean held = t.emails().stream().anyMatch(e -> idsByEmail.containsKey(e.toLowerCase(Locale.ROOT)));
            boolean present = t.emails().stream().anyMatch(e -> left.containsKey(e.toLowerCase(Locale.ROOT)));
            outcomes.add(present ? TargetOutcome.of(t.commandId(), "still_present", 200, "Salesforce still returns records")
                    : held ? TargetOutcome.of(t.commandId(), "verified", 200, "Contacts and Leads deleted; read-back finds none")
                    : TargetOutcome.notFound(t.commandId(), 200, "no matching Contact or Lead"));
        }
        return outcomes;
    }

    /**
     * Reconciliation: every Contact and unconverted Lead with an e-mail (or changed since the last run, by
     * {@code LastModifiedDate}), page by page through {@code queryMore}.
     */
    @Override
    public void pull(Connector connector, java.time.Instant since,
            java.util.function.Consumer<List<io.lethe.connectors.VendorContact>> page) {
        String changed = since == null ? ""
                : " AND LastModifiedDate > " + since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        pullQuery(connector, "SELECT Email, HasOptedOutOfEmail FROM Contact WHERE Email != null" + changed, page);
        pullQuery(connector, "SELECT Email, HasOptedOutOfEmail FROM Lead WHERE Email != null AND IsConverted = false"
                + changed, page);
    }

    private void pullQuery(Connector connector, String soql,
            java.util.function.Consumer<List<io.lethe.connectors.VendorContact>> page) {
        JsonNode result = json(call(connector, "query", soql));
        while (true) {
            List<io.lethe.connectors.VendorContact> contacts = new ArrayList<>();
            for (JsonNode r : result.path("records")) {
                contacts.add(new io.lethe.connectors.VendorContact(r.path("Email").asText(),
                        r.path("HasOptedOutOfEmail").asBoolean(false) ? io.lethe.connectors.VendorContact.State.UNSUBSCRIBED
                                : io.lethe.connectors.VendorContact.State.SUBSCRIBED));
            }
            page.accept(contacts);
            if (result.path("done").asBoolean(true) || !result.hasNonNull("nextRecordsUrl")) {
                return;
            }
            result = json(call(connector, "queryMore", result.get("nextRecordsUrl").asText()));
        }
    }

    /** Rectification: the person's Contacts and unconverted Leads get the corrected fields, in sObject collections. */
    @Override
    public List<TargetOutcome> rectify(Connector connector, List<Target> targets) {
        Map<String, List<JsonNode>> contacts = findPeople(connector, emailsOf(targets));
        Map<String, String> fields = Map.of("email", "Email", "firstName", "FirstName", "lastName", "LastName",
                "phone", "Phone");
        List<ObjectNode> records = new ArrayList<>();
        Map<Long, List<String>> idsByCommand = new HashMap<>();
        for (Target t : targets) {
            List<String> ids = new ArrayList<>();
            for (String email : t.emails()) {
                for (JsonNode contact : contacts.getOrDefault(email.toLowerCase(Locale.ROOT), List.of())) {
                    ObjectNode r = JSON.createObjectNode();
                    r.putObject("attributes").put("type", contact.path("attributes").path("type").asText("Contact"));
                    r.put("id", contact.path("Id").asText());
                    t.changes().forEach((k, v) -> r.put(fields.get(k), v));
                    records.add(r);
                    ids.add(contact.path("Id").asText());
                }
            }
            idsByCommand.put(t.commandId(), ids);
        }
        Map<String, String> failures = update(connector, records);
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            List<String> ids = idsByCommand.get(t.commandId());
            String failure = ids.stream().map(failures::get).filter(f -> f != null).findFirst().orElse(null);
            outcomes.add(ids.isEmpty() ? TargetOutcome.notFound(t.commandId(), 200, "no matching Contact or Lead")
                    : failure == null ? TargetOutcome.of(t.commandId(), "completed", 200, "updated " + ids.size() + " record(s)")
                    : TargetOutcome.rejected(t.commandId(), 200, "Salesforce " + failure));
        }
        return outcomes;
    }

    /** Access: the person's Contact and Lead records with their main fields. */
    @Override
    public List<TargetOutcome> export(Connector connector, List<Target> targets) {
        Set<String> emails = emailsOf(targets);
        Map<String, ArrayNode> byEmail = new HashMap<>();
        String[][] queries = {
            {"Contact", "Id, FirstName, LastName, Email, Phone, HasOptedOutOfEmail, IndividualId, CreatedDate, LastModifiedDate"},
            {"Lead", "Id, FirstName, LastName, Email, Phone, Company, HasOptedOutOfEmail, CreatedDate, LastModifiedDate"}};
        for (String[] q : queries) {
            for (JsonNode r : lookup(connector, "SELECT " + q[1] + " FROM " + q[0] + " WHERE Email IN ", emails, "")) {
                byEmail.computeIfAbsent(r.path("Email").asText("").toLowerCase(Locale.ROOT), k -> JSON.createArrayNode())
                        .add(r);
            }
        }
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            ArrayNode records = JSON.createArrayNode();
            t.emails().forEach(e -> records.addAll(byEmail.getOrDefault(e.toLowerCase(Locale.ROOT), JSON.createArrayNode())));
            outcomes.add(records.isEmpty() ? TargetOutcome.notFound(t.commandId(), 200, "no matching Contact or Lead")
                    : TargetOutcome.exported(t.commandId(), 200, records.size() + " record(s)", records.toString()));
        }
        return outcomes;
    }

    /** Contact and Lead ids (converted Leads too: erasure leaves none behind) per lower-cased e-mail. */
    private Map<String, List<String>> findRecordIds(Connector connector, Set<String> emails) {
        Map<String, List<String>> ids = new HashMap<>();
        for (String object : new String[] {"Contact", "Lead"}) {
            for (JsonNode r : lookup(connector, "SELECT Id, Email FROM " + object + " WHERE Email IN ", emails, "")) {
                ids.computeIfAbsent(r.path("Email").asText("").toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(r.path("Id").asText());
            }
        }
        return ids;
    }

    /**
     * The Contacts and unconverted Leads (Salesforce refuses updates of converted ones) per lower-cased e-mail,
     * each with its {@code attributes.type} and {@code IndividualId}.
     */
    private Map<String, List<JsonNode>> findPeople(Connector connector, Set<String> emails) {
        Map<String, List<JsonNode>> byEmail = new HashMap<>();
        List<JsonNode> found = new ArrayList<>(lookup(connector,
                "SELECT Id, Email, HasOptedOutOfEmail, IndividualId FROM Contact WHERE Email IN ", emails, ""));
        found.addAll(lookup(connector,
                "SELECT Id, Email, HasOptedOutOfEmail, IndividualId FROM Lead WHERE IsConverted = false AND Email IN ",
                emails, ""));
        for (JsonNode record : found) {
            byEmail.computeIfAbsent(record.path("Email").asText("").toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(record);
        }
        return byEmail;
    }

    /** Every record the look-up finds, in as many short queries as the addresses need, each read to its last page. */
    private List<JsonNode> lookup(Connector connector, String prefix, Set<String> emails, String suffix) {
        List<JsonNode> records = new ArrayList<>();
        for (String soql : SoqlLookup.queries(prefix, emails, suffix)) {
            JsonNode page = json(call(connector, "query", soql));
            while (true) {
                page.path("records").forEach(records::add);
                if (page.path("done").asBoolean(true) || !page.hasNonNull("nextRecordsUrl")) {
                    break;
                }
                page = json(call(connector, "queryMore", page.get("nextRecordsUrl").asText()));
            }
        }
        return records;
    }

    private static Set<String> emailsOf(List<Target> targets) {
        Set<String> emails = new LinkedHashSet<>();
        targets.forEach(t -> t.emails().forEach(e -> emails.add(e.toLowerCase(Locale.ROOT))));
        return emails;
    }

    /** PATCH composite/sobjects in chunks of 200; returns the error code of each record that failed. */
    private Map<String, String> update(Connector connector, List<ObjectNode> records) {
        Map<String, String> failures = new HashMap<>();
        for (int from = 0; from < records.size(); from += COLLECTION_MAX) {
            List<ObjectNode> chunk = records.subList(from, Math.min(records.size(), from + COLLECTION_MAX));
            ObjectNode body = JSON.createObjectNode();
            body.put("allOrNone", false);
            ArrayNode array = body.putArray("records");
            chunk.forEach(array::add);
            String path = "/services/data/v" + connector.setting("apiVersion") + "/composite/sobjects";
            JsonNode results = json(call(connector, "raw?rawMethod=PATCH&rawPath=" + path, body.toString()));
            for (int k = 0; k < chunk.size() && k < results.size(); k++) {
                JsonNode result = results.get(k);
                if (!result.path("success").asBoolean(false)) {
                    failures.put(chunk.get(k).path("id").asText(),
                            VendorText.code(result.path("errors").path(0).path("statusCode").asText("UNKNOWN_ERROR")));
                }
            }
        }
        return failures;
    }

    private String call(Connector connector, String operation, String body) {
        return call(connector, operation, body, Map.of());
    }

    private String call(Connector connector, String operation, String body, Map<String, Object> headers) {
        try {
            return template.requestBodyAndHeaders(componentName(connector) + ":" + operation, body, headers, String.class);
        } catch (CamelExecutionException e) {
            throw classify(e.getCause() != null ? e.getCause() : e);
        }
    }

    static RuntimeException classify(Throwable cause) {
        if (tooLarge(cause)) { // the same request would be refused again: a person must look, never a retry loop
            return new VendorException.Permanent("Salesforce request too large to send", 431);
        }
        if (cause instanceof SalesforceException sf) {
            int status = sf.getStatusCode();
            String code = VendorText.code(sf.getErrors() == null ? "" : sf.getErrors().stream()
                    .map(RestError::getErrorCode).filter(c -> c != null).findFirst().orElse(""));
            if (status == 403 && code.equals("REQUEST_LIMIT_EXCEEDED")) {
                return new VendorException.LimitExhausted("Salesforce REQUEST_LIMIT_EXCEEDED", 403, LIMIT_PARK);
            }
            if (status == 0 || status == 408 || status == 429 || status >= 500) {
                return new VendorException.Transient("Salesforce answered " + status + " " + code, status == 0 ? null
                        : status, null, sf);
            }
            return new VendorException.Permanent("Salesforce refused the call with " + status + " " + code, status);
        }
        return new VendorException.Transient("Salesforce call failed: " + cause.getClass().getSimpleName(), null, null,
                cause);
    }

    /**
     * A request refused for its size, by Jetty before it left (HEADER_OVERFLOW) or by Salesforce (414, 431). Look-ups
     * are sized to avoid it; should one still happen, retrying the same request cannot help.
     */
    static boolean tooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SalesforceException sf && (sf.getStatusCode() == 414 || sf.getStatusCode() == 431)) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (message.contains("HEADER_OVERFLOW") || message.contains("Request header too large")
                    || message.contains("URI Too Long")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body == null ? "{}" : body);
        } catch (Exception e) {
            throw new VendorException.Transient("Salesforce answered with unreadable JSON", null, null, e);
        }
    }

    @Override
    public List<TargetOutcome> run(Connector connector, String operation, List<Target> targets) {
        return switch (operation) {
            case "optOut" -> optOut(connector, targets);
            case "optIn" -> optIn(connector, targets);
            case "erase" -> erase(connector, targets);
            case "export" -> export(connector, targets);
            case "rectify" -> rectify(connector, targets);
            default -> throw new IllegalArgumentException("salesforce has no " + operation);
        };
    }

    @Override
    public void readState(Connector connector, java.time.Instant since,
            java.util.function.Consumer<List<io.lethe.connectors.VendorContact>> page) {
        pull(connector, since, page);
    }
}
