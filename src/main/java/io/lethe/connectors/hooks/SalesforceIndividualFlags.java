package io.lethe.connectors.hooks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.lethe.connectors.VendorAdapter;

/**
 * Salesforce opt-outs as sObject collection records: the file maps each purpose to fields such as
 * {@code Contact.HasOptedOutOfEmail}, {@code Lead.HasOptedOutOfEmail} or {@code Individual.HasOptedOutSolicit}; the
 * look-up found each person's Contacts and unconverted Leads with the Individual each points to. This merges them:
 * one record per Salesforce id carrying every flag the batch sets on it (a collection refuses the same id twice, and
 * a Contact and a Lead often share one Individual), grouped by type (a collection takes few type chunks), cut into
 * calls of {@link HookContext#itemsMax()} records. That merge is what data alone cannot say.
 *
 * <p>Each element returned is the {@code records} array of one call: {@code {attributes: {type}, id, Field: value}}.
 * An opt-out sets the flags to {@code true}; an {@code optIn} operation would clear them.
 */
public final class SalesforceIndividualFlags implements RequestBodyHook {

    /** The name a connector file's {@code hook:} uses. */
    public static final String NAME = "salesforceIndividualFlags";
    private static final List<String> TYPE_ORDER = List.of("Contact", "Lead", "Individual");

    @Override
    public List<Object> bodies(HookContext ctx) {
        boolean value = !"optIn".equals(ctx.operation());
        Map<String, Map<String, Object>> byId = new LinkedHashMap<>();
        for (VendorAdapter.Target target : ctx.targets()) {
            List<String> fields = ctx.purposeFields().getOrDefault(target.purpose(), List.of());
            for (Map<String, Object> record : recordsOf(ctx, target)) {
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
        merged.sort(Comparator.comparingInt(r -> typeRank(r)));
        int max = ctx.itemsMax() > 0 ? ctx.itemsMax() : Math.max(1, merged.size());
        List<Object> calls = new ArrayList<>();
        for (int from = 0; from < merged.size(); from += max) {
            calls.add(List.copyOf(merged.subList(from, Math.min(merged.size(), from + max))));
        }
        return calls;
    }

    /** The look-up records found for the target's identities (identities compare case-insensitively). */
    private static List<Map<String, Object>> recordsOf(HookContext ctx, VendorAdapter.Target target) {
        List<String> identities = target.emails().stream().map(e -> e.toLowerCase(Locale.ROOT)).toList();
        return ctx.records().stream()
                .filter(r -> identities.contains(String.valueOf(r.get("identity")).toLowerCase(Locale.ROOT))).toList();
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
