package io.lethe.connectors.hooks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SalesforceIndividualFlagsTest {

    static final Map<String, List<String>> PURPOSES = Map.of(
            "email_marketing", List.of("Contact.HasOptedOutOfEmail", "Lead.HasOptedOutOfEmail"),
            "sms_marketing", List.of("Individual.HasOptedOutSolicit"),
            "analytics", List.of("Individual.HasOptedOutTracking"));

    static Map<String, Object> found(String identity, String type, String id, String individual) {
        Map<String, Object> r = new HashMap<>();
        r.put("identity", identity);
        r.put("type", type);
        r.put("Id", id);
        r.put("IndividualId", individual);
        return r;
    }

    static Map<String, Object> entry(String identity, String purpose) {
        return Map.of("identity", identity, "purpose", purpose);
    }

    @Test
    void one_record_per_id_carries_every_flag_of_the_call_grouped_by_type() {
        List<Map<String, Object>> records = List.of(
                found("Ann@Example.com", "Contact", "003A", "0PKA"),
                found("ann@example.com", "Lead", "00QA", "0PKA"), // the same Individual as her Contact
                found("bo@example.com", "Lead", "00QB", null));
        List<Map<String, Object>> entries = List.of(entry("ann@example.com", "email_marketing"),
                entry("ann@example.com", "sms_marketing"), entry("ann@example.com", "analytics"),
                entry("bo@example.com", "sms_marketing"));

        List<Map<String, Object>> sent = SalesforceIndividualFlags.records(entries, records, PURPOSES, true);

        assertThat(sent).extracting(r -> r.get("id")).containsExactly("003A", "00QA", "0PKA");
        assertThat(sent.get(0)).containsEntry("HasOptedOutOfEmail", true).containsEntry("attributes", Map.of("type", "Contact"));
        assertThat(sent.get(1)).containsEntry("HasOptedOutOfEmail", true).containsEntry("attributes", Map.of("type", "Lead"));
        assertThat(sent.get(2)).containsEntry("HasOptedOutSolicit", true).containsEntry("HasOptedOutTracking", true)
                .containsEntry("attributes", Map.of("type", "Individual")).hasSize(4);
    }

    @Test
    void alternating_contacts_and_leads_make_two_type_chunks_and_an_opt_in_clears_the_flags() {
        List<Map<String, Object>> records = new java.util.ArrayList<>();
        List<Map<String, Object>> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            records.add(found("p" + i + "@example.com", i % 2 == 0 ? "Contact" : "Lead", "id" + i, null));
            entries.add(entry("p" + i + "@example.com", "email_marketing"));
        }
        List<Map<String, Object>> sent = SalesforceIndividualFlags.records(entries, records, PURPOSES, false);
        assertThat(sent).hasSize(50);
        long chunks = java.util.stream.IntStream.range(0, sent.size()).filter(i -> i == 0
                || !sent.get(i).get("attributes").equals(sent.get(i - 1).get("attributes"))).count();
        assertThat(chunks).isEqualTo(2);
        assertThat(sent).allSatisfy(r -> assertThat(r).containsEntry("HasOptedOutOfEmail", false));
        assertThat(SalesforceIndividualFlags.records(entries, List.of(), PURPOSES, true)).isEmpty();
    }
}
