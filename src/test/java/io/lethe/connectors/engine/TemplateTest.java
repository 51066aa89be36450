package io.lethe.connectors.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** The template language of connector files: expressions, named filters, $forEach, and null fields left out. */
class TemplateTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Map<String, Object> scope() {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("identities", List.of("Ann.Example@Example.com", "o'brien@example.ie"));
        scope.put("identity", "Ann.Example@Example.com");
        scope.put("changes", Map.of("firstName", "Ann"));
        scope.put("since", Instant.parse("2015-10-21T15:41:36.123456Z"));
        return scope;
    }

    @Test
    void a_whole_expression_keeps_its_type_and_text_is_filled_in() {
        assertThat(Template.text("${identities}", scope())).isEqualTo(List.of("Ann.Example@Example.com", "o'brien@example.ie"));
        assertThat((String) Template.text("/members/${identity | md5}", scope())).matches("/members/[0-9a-f]{32}");
        assertThat(Template.text("${nothing}", scope())).isNull();
    }

    @Test
    void filters_do_what_vendors_need() {
        // Mailchimp's subscriber hash: MD5 of the lower-cased address
        assertThat(Template.expression("identity | md5", Map.of("identity", "Urist.McVankab@Freddiesjokes.com")))
                .isEqualTo("62eeb292278cc15f5817cb78f7790b08");
        // Mailchimp's documented date form: whole seconds and an explicit offset
        assertThat(Template.expression("since | iso8601", scope())).isEqualTo("2015-10-21T15:41:36+00:00");
        assertThat(Template.expression("identities | soql | join(\",\")", scope()))
                .isEqualTo("'Ann.Example@Example.com','o\\'brien@example.ie'");
        assertThat(Template.expression("identities | lower", scope()))
                .isEqualTo(List.of("ann.example@example.com", "o'brien@example.ie"));
        assertThat(Template.expression("identity | urlencode", Map.of("identity", "a+b c@x.io"))).isEqualTo("a%2Bb%20c%40x.io");
        assertThat(Template.filtersIn("${a | lower} and ${b | join(\",\") | nosuch}")).containsExactly("lower", "join", "nosuch");
    }

    @Test
    void for_each_emits_one_item_per_value_and_null_fields_are_left_out() throws Exception {
        JsonNode template = YAML.readTree("""
                inputs: {$forEach: identities, $emit: {id: "${identity}", idProperty: email}}
                properties: {firstname: "${changes.firstName}", lastname: "${changes.lastName}"}
                """);
        JsonNode body = Template.body(template, scope());
        assertThat(body.path("inputs")).hasSize(2);
        assertThat(body.path("inputs").get(1).path("id").asText()).isEqualTo("o'brien@example.ie");
        assertThat(body.path("inputs").get(0).path("idProperty").asText()).isEqualTo("email");
        assertThat(body.path("properties").has("firstname")).isTrue();
        assertThat(body.path("properties").has("lastname")).isFalse();
    }

    @Test
    void chunks_cut_a_list_into_sub_requests_each_knowing_its_index() throws Exception {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("records", List.of(Map.of("Id", "a"), Map.of("Id", "b"), Map.of("Id", "c"), Map.of("Id", "d"), Map.of("Id", "e")));
        assertThat(Template.expression("records.Id | chunks(2)", scope))
                .isEqualTo(List.of(List.of("a", "b"), List.of("c", "d"), List.of("e")));
        JsonNode template = YAML.readTree("""
                compositeRequest:
                  $forEach: "records.Id | chunks(2)"
                  $as: ids
                  $emit: {referenceId: "delete${index}", url: '/sobjects?ids=${ids | join(",")}'}
                """);
        JsonNode body = Template.body(template, scope).path("compositeRequest");
        assertThat(body).hasSize(3);
        assertThat(body.get(1).path("referenceId").asText()).isEqualTo("delete1");
        assertThat(body.get(1).path("url").asText()).isEqualTo("/sobjects?ids=c,d");
        assertThat(body.get(2).path("url").asText()).isEqualTo("/sobjects?ids=e");
        // a list of lists keeps its shape through element filters
        assertThat(Template.expression("identities | chunks(1) | soql", scope()))
                .isEqualTo(List.of(List.of("'Ann.Example@Example.com'"), List.of("'o\\'brien@example.ie'")));
    }

    @Test
    void concat_joins_the_lists_of_its_templates_and_chunks_can_bound_characters() throws Exception {
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("identities", List.of("aaaa@x.io", "bbbb@x.io", "cccc@x.io"));
        // each literal is 11 characters and a separator: two fit in 25, the third starts a new list
        assertThat(Template.expression("identities | soql | chunks(10, 25)", scope))
                .isEqualTo(List.of(List.of("'aaaa@x.io'", "'bbbb@x.io'"), List.of("'cccc@x.io'")));
        JsonNode template = YAML.readTree("""
                compositeRequest:
                  $concat:
                    - $forEach: "identities | chunks(2)"
                      $as: part
                      $emit: {referenceId: "contacts${index}", n: '${part | join(",")}'}
                    - $forEach: "identities | chunks(2)"
                      $as: part
                      $emit: {referenceId: "leads${index}"}
                """);
        JsonNode body = Template.body(template, scope).path("compositeRequest");
        assertThat(body.findValuesAsText("referenceId")).containsExactly("contacts0", "contacts1", "leads0", "leads1");
        assertThat(body.get(1).path("n").asText()).isEqualTo("cccc@x.io");
    }
}
