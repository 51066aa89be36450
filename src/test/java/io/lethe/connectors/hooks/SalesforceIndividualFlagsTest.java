package io.lethe.connectors.hooks;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lethe.connectors.VendorAdapter.Target;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SalesforceIndividualFlagsTest {

    static final Map<String, List<String>> PURPOSES = Map.of(
            "email_marketing", List.of("Contact.HasOptedOutOfEmail", "Lead.HasOptedOutOfEmail"),
            "sms_marketing", List.of("Individual.HasOptedOutSolicit"),
            "analytics", List.of("Individual.HasOptedOutTracking"));

    final SalesforceIndividualFlags hook = new SalesforceIndividualFlags();

    static Map<String, Object> found(String identity, String type, String id, String individual) {
        Map<String, Object> r = new HashMap<>();
        r.put("identity", identity);
        r.put("type", type);
        r.put("Id", id);
        r.put("IndividualId", individual);
        return r;
    }

    @Test
    @SuppressWarnings("unchecked")
    void one_record_per_id_carries_every_flag_of_the_batch_grouped_by_type() {
        List<Map<String, Object>> records = List.of(
                found("Ann@Example.com", "Contact", "003A", "0PKA"),
                found("ann@example.com", "Lead", "00QA", "0PKA"), // the same Individual as her Contact
                found("bo@example.com", "Lead", "00QB", null));
        List<Target> targets = List.of(new Target(1, "s1", "email_marketing", List.of("ann@example.com")),
                new Target(2, "s1", "sms_marketing", List.of("ann@example.com")),
                new Target(3, "s1", "analytics", List.of("ann@example.com")),
                new Target(4, "s2", "sms_marketing", List.of("bo@example.com")));

        List<Object> calls = hook.bodies(new HookContext("optOut", targets, records, PURPOSES, Map.of(), 200));

        assertThat(calls).hasSize(1);
        List<Map<String, Object>> sent = (List<Map<String, Object>>) calls.get(0);
        assertThat(sent).extracting(r -> r.get("id")).containsExactly("003A", "00QA", "0PKA");
        assertThat(sent.get(0)).containsEntry("HasOptedOutOfEmail", true).containsEntry("attributes", Map.of("type", "Contact"));
        assertThat(sent.get(1)).containsEntry("HasOptedOutOfEmail", true).containsEntry("attributes", Map.of("type", "Lead"));
        assertThat(sent.get(2)).containsEntry("HasOptedOutSolicit", true).containsEntry("HasOptedOutTracking", true)
                .containsEntry("attributes", Map.of("type", "Individual")).hasSize(4);
    }

    @Test
    @SuppressWarnings("unchecked")
    void records_are_cut_into_calls_of_the_file_s_maximum_and_nothing_found_makes_no_call() {
        List<Map<String, Object>> records = new java.util.ArrayList<>();
        List<Target> targets = new java.util.ArrayList<>();
        for (int i = 0; i < 450; i++) {
            records.add(found("p" + i + "@example.com", "Contact", "003" + i, null));
            targets.add(new Target(i, "s" + i, "email_marketing", List.of("p" + i + "@example.com")));
        }
        List<Object> calls = hook.bodies(new HookContext("optOut", targets, records, PURPOSES, Map.of(), 200));
        assertThat(calls).extracting(c -> ((List<Object>) c).size()).containsExactly(200, 200, 50);

        assertThat(hook.bodies(new HookContext("optOut", targets, List.of(), PURPOSES, Map.of(), 200))).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void an_opt_in_clears_the_flags() {
        List<Object> calls = hook.bodies(new HookContext("optIn",
                List.of(new Target(1, "s1", "email_marketing", List.of("ann@example.com"))),
                List.of(found("ann@example.com", "Contact", "003A", null)), PURPOSES, Map.of(), 200));
        assertThat(((List<Map<String, Object>>) calls.get(0)).get(0)).containsEntry("HasOptedOutOfEmail", false);
    }
}
