package io.lethe.connectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped descriptors are valid, and every rule refuses what it should, naming file and field. */
class DescriptorValidatorTest {

    static final Set<String> PURPOSES = Set.of("email_marketing", "sms_marketing", "analytics", "profiling",
            "third_party_sharing");
    final DescriptorValidator validator = new DescriptorValidator(Set.of("hubspot", "mailchimp", "salesforce", "email"), PURPOSES);

    @TempDir
    Path dir;

    @Test
    void the_shipped_connectors_are_valid() {
        List<ConnectorDescriptor> all = validator.loadAll(Path.of("connectors"));
        assertThat(all).extracting(ConnectorDescriptor::id).contains("hubspot", "mailchimp", "salesforce");
        ConnectorDescriptor hubspot = all.stream().filter(d -> d.id().equals("hubspot")).findFirst().orElseThrow();
        assertThat(hubspot.operation("optOut").batchMax()).isEqualTo(100);
        assertThat(hubspot.operation("optOut").rateLimit()).isEqualTo(new ConnectorDescriptor.RateLimit(100, 10_000));
    }

    static final String VALID = """
            id: acme
            title: Acme
            category: marketing
            adapter: hubspot
            identity: email
            parameters:
              baseUrl:
                description: root
                default: https://api.acme.test
              token:
                description: token
                required: true
                secret: true
            purposes:
              email_marketing: unsubscribe
            operations:
              optOut:
                method: POST
                endpoint: "{{baseUrl}}/unsubscribe"
                batchMax: 10
                auth: "Bearer {{token}}"
            """;

    List<String> problems(String yaml) throws Exception {
        Files.writeString(dir.resolve("acme.yaml"), yaml);
        try {
            validator.loadAll(dir);
            return List.of();
        } catch (InvalidConnectorException e) {
            return e.problems();
        }
    }

    @Test
    void a_valid_descriptor_passes() throws Exception {
        assertThat(problems(VALID)).isEmpty();
    }

    @Test
    void unknown_keys_are_refused_at_every_level() throws Exception {
        assertThat(problems(VALID + "colour: blue\n")).anyMatch(p -> p.endsWith("acme.yaml: colour: unknown key"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    retries: 3")))
                .anyMatch(p -> p.contains("operations.optOut.retries: unknown key"));
        assertThat(problems(VALID.replace("secret: true", "secret: true\n    colour: red")))
                .anyMatch(p -> p.contains("parameters.token.colour: unknown key"));
    }

    @Test
    void every_used_parameter_is_declared_and_every_declared_one_used() throws Exception {
        assertThat(problems(VALID.replace("/unsubscribe", "/{{region}}/unsubscribe")))
                .anyMatch(p -> p.contains("uses {{region}}, which parameters does not declare"));
        assertThat(problems(VALID.replace("auth: \"Bearer {{token}}\"", "auth: \"Bearer fixed\"")))
                .anyMatch(p -> p.contains("parameters.token: is declared but no operation uses it"));
    }

    @Test
    void values_are_checked() throws Exception {
        assertThat(problems(VALID.replace("category: marketing", "category: spam"))).anyMatch(p -> p.contains("category:"));
        assertThat(problems(VALID.replace("id: acme", "id: other"))).anyMatch(p -> p.contains("must equal the file name"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 0"))).anyMatch(p -> p.contains("batchMax"));
        assertThat(problems(VALID.replace("email_marketing: unsubscribe", "telepathy: stop")))
                .anyMatch(p -> p.contains("purposes.telepathy: is not a configured purpose"));
        assertThat(problems(VALID.replace("method: POST", "method: YEET"))).anyMatch(p -> p.contains("method"));
        assertThat(problems(VALID.replace("    secret: true", "    secret: true\n    default: oops")))
                .anyMatch(p -> p.contains("a secret parameter has no default"));
    }

    @Test
    void an_enabled_connector_without_its_credentials_refuses_start_up() throws Exception {
        Files.writeString(dir.resolve("acme.yaml"), VALID);
        assertThatThrownBy(() -> Connectors.load(dir, "acme", validator, key -> "", Map.of()))
                .isInstanceOf(InvalidConnectorException.class)
                .hasMessageContaining("acme.yaml: parameters.token: LETHE_ACME_TOKEN is required when acme is enabled");
        assertThatThrownBy(() -> Connectors.load(dir, "nosuch", validator, key -> "", Map.of()))
                .hasMessageContaining("LETHE_CONNECTORS names 'nosuch'");
        Connectors ok = Connectors.load(dir, "acme", validator, key -> key.equals("lethe.acme.token") ? "t" : "", Map.of());
        assertThat(ok.enabled("acme").orElseThrow().resolve("{{baseUrl}}/x")).isEqualTo("https://api.acme.test/x");
        assertThat(Connectors.load(dir, "", validator, key -> "", Map.of()).enabled()).isEmpty();
    }

    @Test
    void pushing_opt_ins_is_refused_for_an_adapter_that_cannot_do_it_safely() throws Exception {
        Files.writeString(dir.resolve("acme.yaml"), VALID + "pushOptIns: true\n");
        assertThatThrownBy(() -> Connectors.load(dir, "acme", validator, key -> "t",
                Map.of("hubspot", new io.lethe.connectors.vendors.HubSpotAdapter(null))))
                .hasMessageContaining("pushOptIns: the hubspot adapter cannot push opt-ins safely");
    }

    @Test
    void the_mailchimp_base_url_defaults_to_the_keys_data_centre() {
        Connectors c = Connectors.load(Path.of("connectors"), "mailchimp", validator, key -> switch (key) {
            case "lethe.mailchimp.api-key" -> "abc123-us14";
            case "lethe.mailchimp.list-ids" -> "l1";
            default -> "";
        }, Map.of());
        assertThat(c.enabled("mailchimp").orElseThrow().setting("baseUrl")).isEqualTo("https://us14.api.mailchimp.com/3.0");
    }
}
