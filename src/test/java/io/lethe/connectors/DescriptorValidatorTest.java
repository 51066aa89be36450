package io.lethe.connectors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped connector files are valid, and every rule refuses what it should, naming file and field: nothing can
 * be declared that does not run (unknown keys, unused parameters, unreachable operations, unused buckets, unknown
 * filters and hooks) and nothing dispatch runs can be missing (purposes naming undeclared operations).
 */
class DescriptorValidatorTest {

    static final Set<String> PURPOSES = Set.of("email_marketing", "sms_marketing", "analytics", "profiling",
            "third_party_sharing");
    final DescriptorValidator validator = new DescriptorValidator(Set.of("knownHook", "salesforceIndividualFlags"), PURPOSES);

    @TempDir
    Path dir;

    @Test
    void the_shipped_connectors_are_valid() {
        List<ConnectorDescriptor> all = validator.loadAll(Path.of("connectors"));
        assertThat(all).extracting(ConnectorDescriptor::id).contains("hubspot", "mailchimp", "salesforce", "manual");
        ConnectorDescriptor hubspot = all.stream().filter(d -> d.id().equals("hubspot")).findFirst().orElseThrow();
        assertThat(hubspot.operation("optOut").batchMax()).isEqualTo(100);
        assertThat(hubspot.client().rateLimits().get("default")).isEqualTo(new ConnectorDescriptor.RateLimit(100, 10_000));
        assertThat(hubspot.operation("erase").readBack()).containsExactly("findContacts");
    }

    static final String VALID = """
            id: acme
            title: Acme
            category: marketing
            identity: email
            parameters:
              baseUrl:
                title: API root
                default: https://api.acme.test
              token:
                title: Token
                format: password
                required: true
            purposes:
              email_marketing: optOut
            client:
              baseUrl: "{{baseUrl}}"
              auth: {type: bearer, token: "{{token}}"}
              rateLimits:
                default: {requests: 10, periodMillis: 1000}
            operations:
              optOut:
                batchMax: 10
                request:
                  method: POST
                  path: /unsubscribe
                  body: {emails: "${identities | lower}"}
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
    void a_quota_counts_in_the_vendors_declared_time_zone() throws Exception {
        ConnectorDescriptor ga4 = validator.loadAll(Path.of("connectors")).stream().filter(d -> d.id().equals("ga4"))
                .findFirst().orElseThrow();
        assertThat(ga4.operation("erase").quota()).isEqualTo(new ConnectorDescriptor.Quota(500, "day",
                "America/Los_Angeles"));
        String withQuota = VALID.replace("batchMax: 10", "batchMax: 10\n    quota: {ids: 5, per: day%s}");
        assertThat(problems(withQuota.formatted(""))).isEmpty();
        assertThat(validator.loadAll(dir).get(0).operation("optOut").quota().timezone()).isEqualTo("UTC");
        assertThat(problems(withQuota.formatted(", timezone: Pacific/Nowhere")))
                .anyMatch(p -> p.contains("operations.optOut.quota.timezone: must be a time-zone id"));
    }

    @Test
    void verify_later_and_group_by_are_checked() throws Exception {
        String erase = VALID + """
                  erase:
                    batchMax: 10
                    request: {method: POST, path: /erase, body: {emails: "${identities}"}}
                    verifyLater: {operation: lookBack, after: PT1M, every: %s, until: P1D}
                  lookBack:
                    request: {method: POST, path: /find, body: {emails: "${identities}"}}
                    response: {found: "$.emails[*]"}
                """;
        assertThat(problems(erase.formatted("PT10M"))).isEmpty();
        assertThat(problems(erase.formatted("soon"))).anyMatch(p -> p.contains("operations.erase.verifyLater.every"));
        assertThat(problems(erase.formatted("PT10M").replace("operation: lookBack", "operation: nosuch")))
                .anyMatch(p -> p.contains("refers to nosuch"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    groupBy: regulation"))).isEmpty();
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    groupBy: colour")))
                .anyMatch(p -> p.contains("operations.optOut.groupBy: must be one of"));
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
        assertThat(problems(VALID.replace("    required: true", "    required: true\n    colour: red")))
                .anyMatch(p -> p.contains("parameters.token.colour: unknown key"));
        assertThat(problems(VALID.replace("method: POST", "method: POST\n      verb: PUT")))
                .anyMatch(p -> p.contains("operations.optOut.request.verb: unknown key"));
    }

    @Test
    void every_used_parameter_is_declared_and_every_declared_one_used() throws Exception {
        assertThat(problems(VALID.replace("path: /unsubscribe", "path: /{{region}}/unsubscribe")))
                .anyMatch(p -> p.contains("uses {{region}}, which parameters does not declare"));
        assertThat(problems(VALID.replace("token: \"{{token}}\"", "token: fixed")))
                .anyMatch(p -> p.contains("parameters.token: is declared but nothing uses it"));
    }

    @Test
    void every_operation_is_reached_and_every_bucket_taken() throws Exception {
        assertThat(problems(VALID + """
                  orphan:
                    request: {method: GET, path: /x}
                """)).anyMatch(p -> p.contains("operations.orphan: nothing runs it"));
        assertThat(problems(VALID.replace("    default: {requests: 10, periodMillis: 1000}",
                "    default: {requests: 10, periodMillis: 1000}\n    spare: {requests: 1, periodMillis: 1000}")))
                .anyMatch(p -> p.contains("client.rateLimits.spare: no operation takes this bucket"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    rateLimit: nosuch")))
                .anyMatch(p -> p.contains("operations.optOut.rateLimit: names nosuch"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    readBack: nosuch")))
                .anyMatch(p -> p.contains("refers to nosuch"));
    }

    @Test
    void purposes_filters_and_hooks_must_exist() throws Exception {
        assertThat(problems(VALID.replace("email_marketing: optOut", "email_marketing: erase")))
                .anyMatch(p -> p.contains("purposes.email_marketing: names erase, which operations does not declare"));
        assertThat(problems(VALID.replace("email_marketing: optOut", "telepathy: optOut")))
                .anyMatch(p -> p.contains("purposes.telepathy: is not a configured purpose"));
        assertThat(problems(VALID.replace("| lower", "| rot13"))).anyMatch(p -> p.contains("unknown filter 'rot13'"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    hook: nosuch")))
                .anyMatch(p -> p.contains("names no Java hook"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    hook: knownHook"))).isEmpty();
    }

    @Test
    void values_are_checked() throws Exception {
        assertThat(problems(VALID.replace("category: marketing", "category: spam"))).anyMatch(p -> p.contains("category:"));
        assertThat(problems(VALID.replace("id: acme", "id: other"))).anyMatch(p -> p.contains("must equal the file name"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 0"))).anyMatch(p -> p.contains("batchMax"));
        assertThat(problems(VALID.replace("method: POST", "method: YEET"))).anyMatch(p -> p.contains("method"));
        assertThat(problems(VALID.replace("    required: true", "    required: true\n    default: oops")))
                .anyMatch(p -> p.contains("a secret has no default"));
        assertThat(problems(VALID.replace("type: bearer", "type: telepathy"))).anyMatch(p -> p.contains("client.auth.type"));
        // a call cut by the items of its body: needs a path and a max, and a body to count in
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    maxBodyItems: {path: \"$.emails[*]\", max: 5}")))
                .isEmpty();
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    maxBodyItems: {path: \"$.emails[*]\"}")))
                .anyMatch(p -> p.contains("operations.optOut.maxBodyItems: needs path"));
        assertThat(problems(VALID.replace("batchMax: 10", "batchMax: 10\n    maxBodyItems: {path: \"$.x\", max: 5, min: 1}")))
                .anyMatch(p -> p.contains("operations.optOut.maxBodyItems.min: unknown key"));
        assertThat(problems(VALID.replace("body: {emails: \"${identities | lower}\"}",
                "body: {emails: {$forEach: \"identities | chunks(5) | rot13\", $as: part}}")))
                .anyMatch(p -> p.contains("unknown filter 'rot13'"));
        assertThat(problems(VALID.replace("type: bearer, token: \"{{token}}\"", "type: basic, username: \"{{token}}\"")))
                .anyMatch(p -> p.contains("client.auth.password: is required for basic"));
    }

    @Test
    void the_data_map_block_is_optional_plain_text_with_a_region() throws Exception {
        String withMap = VALID + "dataMap: {region: EU (Ireland), dataSubjects: [customers], transfers: none}\n";
        assertThat(problems(withMap)).isEmpty();
        assertThat(validator.loadAll(dir).get(0).dataMap())
                .isEqualTo(new ConnectorDescriptor.DataMap("EU (Ireland)", List.of("customers"), "none"));
        assertThat(problems(VALID + "dataMap: {dataSubjects: [customers]}\n"))
                .anyMatch(p -> p.contains("dataMap.region: is required"));
        assertThat(problems(VALID + "dataMap: {region: EU, colour: red}\n"))
                .anyMatch(p -> p.contains("dataMap.colour: unknown key"));
        assertThat(problems(VALID + "dataMap: {region: \"{{baseUrl}}\"}\n"))
                .anyMatch(p -> p.contains("dataMap: is plain text"));
    }

    @Test
    void an_enabled_connector_without_its_credentials_refuses_start_up() throws Exception {
        Files.writeString(dir.resolve("acme.yaml"), VALID);
        assertThatThrownBy(() -> Connectors.load(dir, "acme", validator, key -> ""))
                .isInstanceOf(InvalidConnectorException.class)
                .hasMessageContaining("acme.yaml: parameters.token: LETHE_ACME_TOKEN is required when acme is enabled");
        assertThatThrownBy(() -> Connectors.load(dir, "nosuch", validator, key -> ""))
                .hasMessageContaining("LETHE_CONNECTORS names 'nosuch'");
        Connectors ok = Connectors.load(dir, "acme", validator, key -> key.equals("lethe.acme.token") ? "t" : "");
        assertThat(ok.enabled("acme").orElseThrow().resolve("{{baseUrl}}/x")).isEqualTo("https://api.acme.test/x");
        assertThat(Connectors.load(dir, "", validator, key -> "").enabled()).isEmpty();
    }

    @Test
    void pushing_opt_ins_needs_an_opt_in_operation() throws Exception {
        Files.writeString(dir.resolve("acme.yaml"), VALID.replace("purposes:", "pushOptIns: true\npurposes:"));
        assertThatThrownBy(() -> Connectors.load(dir, "acme", validator, key -> "t"))
                .hasMessageContaining("pushOptIns: true needs an optIn operation");
    }

    @Test
    void the_mailchimp_base_url_defaults_to_the_keys_data_centre() {
        Connectors c = Connectors.load(Path.of("connectors"), "mailchimp", validator, key -> switch (key) {
            case "lethe.mailchimp.api-key" -> "abc123-us14";
            case "lethe.mailchimp.list-ids" -> "l1";
            default -> "";
        });
        assertThat(c.enabled("mailchimp").orElseThrow().setting("baseUrl")).isEqualTo("https://us14.api.mailchimp.com/3.0");
    }
}
