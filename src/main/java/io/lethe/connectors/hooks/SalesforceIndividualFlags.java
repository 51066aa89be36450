package io.lethe.connectors.hooks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.engine.ConnectorEngine;

/**
 * Salesforce opt-outs as sObject collection records ({@code hook: salesforceIndividualFlags}, the value of
 * {@code ${hook}}): the file maps each purpose to fields such as {@code Contact.HasOptedOutOfEmail},
 * {@code Lead.HasOptedOutOfEmail} or {@code Individual.HasOptedOutSolicit}; the look-ups found each person's Contacts
 * and unconverted Leads with the Individual each points to. This merges them: one record per Salesforce id carrying
 * every flag the call sets on it (a collection refuses the same id twice, and a Contact and a Lead often share one
 * Individual), grouped by type (a collection takes at most 10 chunks of one type). That merge is what data alone
 * cannot say; the path, the envelope, the per-call maximum ({@code itemsMax}) and the error rules stay in the file.
 *
 * <p>Each record is {@code {attributes: {type}, id, Field: value}}: {@code true} for an opt-out, {@code false} for an
 * {@code optIn} operation. Nothing is logged (records and identities are personal data).
 */
public final class SalesforceIndividualFlags implements ConnectorEngine.Hook {

    /** The name a connector file's {@code hook:} uses. */
    public static final String NAME = "salesforceIndividualFlags";
    private static final List<String> TYPE_ORDER = List.of("Contact", "Lead", "Individual");

    @Override
    public Object body(Connector connector, Operation op, Map<String, Object> scope) {
        return records(entries(scope), records(scope), connector.descriptor().purposeFields(),
                !"optIn".equals(op.name()));
    }

    /**
     * The collection's records for this call.
     *
     * @param entries       the call's (identity, purpose) pairs, one per command
     * @param found         the look-ups' records: identity, {@code Id}, {@code type}, {@code IndividualId}
     * @param purposeFields per purpose, the {@code Object.Field}s of the file's {@code purposes}
     */
    static List<Map<String, Object>> records(List<Map<String, Object>> entries, List<Map<String, Object>> found,
            Map<String, List<String>> purposeFields, boolean value) {
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        for (Map<String, Object> entry : entries) {
            String identity = String.valueOf(entry.get("identity")).toLowerCase(Locale.ROOT);
            List<String> fields = purposeFields.getOrDefault(String.valueOf(entry.get("purpose")), List.of());
            for (Map<String, Object> record : found) {
                if (!String.valueOf(record.get("identity")).toLowerCase(Locale.ROOT).equals(identity)) {
                    continue;
                }
                for (String typeAndField : fields) {
                    String[] tf = typeAndField.split("\\.", 2);
                    String id = idFor(record, tf[0]);
                    if (id != null) {
                        byId.computeIfAbsent(id, k -> newRecord(tf[0], k)).put(tf[1], value);
                    }
                }
            }
        }
        List<Map<String, Object>> merged = new ArrayList<>(byId.values());
        merged.sort(Comparator.comparingInt(SalesforceIndividualFlags::typeRank));
        return merged;
    }

    /**
     * The id of the record of {@code type} a found Contact or Lead stands for: itself, or the Individual it points to;
     * null when it has none of that type (a Contact for a Lead field, or no Individual).
     */
    static String idFor(Map<String, Object> found, String type) {
        Object id = type.equals("Individual") ? found.get("IndividualId")
                : type.equals(found.get("type")) ? found.get("Id") : null;
        String s = id == null ? "" : id.toString();
        return s.isBlank() || s.equals("null") ? null : s;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(Map<String, Object> scope) {
        return (List<Map<String, Object>>) scope.getOrDefault("entries", List.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(Map<String, Object> scope) {
        return (List<Map<String, Object>>) scope.getOrDefault("records", List.of());
    }

    private static Map<String, Object> newRecord(String type, String id) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("attributes", Map.of("type", type));
        r.put("id", id);
        return r;
    }

    @SuppressWarnings("unchecked")
    private static int typeRank(Map<String, Object> record) {
        String type = Objects.toString(((Map<String, Object>) record.get("attributes")).get("type"));
        int rank = TYPE_ORDER.indexOf(type);
        return rank < 0 ? TYPE_ORDER.size() : rank;
    }
}
