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
}
