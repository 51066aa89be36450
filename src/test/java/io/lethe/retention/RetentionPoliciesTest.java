package io.lethe.retention;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** config/retention.yaml is read like the connector files: whatever the hub would not run refuses the start. */
class RetentionPoliciesTest {

    static final Set<String> CONNECTORS = Set.of("hubspot", "mixpanel", "amplitude");

    static RetentionPolicies parse(String yaml) {
        return RetentionPolicies.parse("retention.yaml", yaml, CONNECTORS);
    }

    static String problemsOf(String yaml) {
        try {
            parse(yaml);
        } catch (InvalidRetentionConfigException e) {
            return String.join("\n", e.problems());
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void both_kinds_are_read_with_their_periods_connectors_and_limits() {
        RetentionPolicies p = parse("""
                policies:
                  - id: inactive-24m
                    description: Inactive subjects
                    enabled: true
                    kind: inactive_subject
                    after: 24 months
                    limit: 50
                  - id: analytics
                    description: Old analytics data
                    enabled: false
                    kind: connector_age
                    connectors: [mixpanel, amplitude, mixpanel]
                    after: P26M
                """);
        assertThat(p.all()).hasSize(2);
        assertThat(p.enabled()).extracting(RetentionPolicy::id).containsExactly("inactive-24m");
        RetentionPolicy inactive = p.find("inactive-24m").orElseThrow();
        assertThat(inactive.after()).isEqualTo(Period.ofMonths(24));
        assertThat(inactive.limit()).isEqualTo(50);
        assertThat(inactive.scope()).isNull(); // every enabled connector
        assertThat(inactive.filedBy()).isEqualTo("retention:inactive-24m");
        RetentionPolicy analytics = p.find("analytics").orElseThrow();
        assertThat(analytics.scope()).containsExactly("mixpanel", "amplitude");
        assertThat(analytics.limit()).isNull();
        // Calendar months in UTC: 26 months before 2026-12-02 is 2024-10-02.
        assertThat(analytics.cutoff(Instant.parse("2026-12-02T03:30:00Z")))
                .isEqualTo(Instant.parse("2024-10-02T03:30:00Z"));
    }

    @Test
    void periods_take_words_or_iso_and_at_least_a_day() {
        assertThat(RetentionPolicies.period("90 days")).contains(Period.ofDays(90));
        assertThat(RetentionPolicies.period("6 weeks")).contains(Period.ofWeeks(6));
        assertThat(RetentionPolicies.period("1 month")).contains(Period.ofMonths(1));
        assertThat(RetentionPolicies.period("2 Years")).contains(Period.ofYears(2));
        assertThat(RetentionPolicies.period("P1Y6M")).contains(Period.of(1, 6, 0));
        assertThat(RetentionPolicies.period("0 days")).isEmpty();
        assertThat(RetentionPolicies.period("P-3M")).isEmpty();
        assertThat(RetentionPolicies.period("24 moons")).isEmpty();
        assertThat(RetentionPolicies.period("PT24H")).isEmpty(); // hours are not a retention period
    }

    @Test
    void every_problem_is_named_with_its_field() {
        String problems = problemsOf("""
                retention: yes
                policies:
                  - id: Bad Id
                    description: x
                    enabled: maybe
                    kind: forever
                    after: 24 moons
                    limit: 0
                    colour: blue
                  - id: age
                    description: x
                    enabled: true
                    kind: connector_age
                    connectors: [mixpanel, ga5]
                    after: 26 months
                  - id: inactive
                    description: x
                    enabled: true
                    kind: inactive_subject
                    after: 2 years
                    connectors: [hubspot]
                  - id: inactive
                    description: again
                    enabled: true
                    kind: inactive_subject
                    after: 3 years
                  - id: nothing
                    enabled: true
                    kind: connector_age
                    after: 1 year
                """);
        assertThat(problems).contains("retention: unknown key")
                .contains("policies[0].colour: unknown key")
                .contains("policies[0].id: 'Bad Id' must be")
                .contains("policies[0].enabled: is required, true or false")
                .contains("policies[0].kind: 'forever' is not inactive_subject or connector_age")
                .contains("policies[0].after: '24 moons' is not a period")
                .contains("policies[0].limit: must be a whole number of at least 1")
                .contains("policies[1].connectors[1]: 'ga5' is not a connector in connectors/")
                .contains("policies[2].connectors: only a connector_age policy names connectors")
                .contains("policies[3].id: 'inactive' is used twice")
                .contains("policies[4].description: is required")
                .contains("policies[4].connectors: a connector_age policy names at least one connector");
    }

    @Test
    void broken_yaml_and_a_missing_file_refuse_the_start_and_an_empty_file_has_no_policies(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assertThat(problemsOf("policies: [unclosed")).contains("is not valid YAML");
        assertThat(problemsOf("- just a list")).contains("must be a mapping");
        assertThat(parse("").all()).isEmpty();
        assertThat(parse("policies: []").all()).isEmpty();
        assertThatThrownBy(() -> RetentionPolicies.load(dir.resolve("none.yaml"), CONNECTORS))
                .isInstanceOf(InvalidRetentionConfigException.class).hasMessageContaining("LETHE_RETENTION_FILE");
        Path file = Files.writeString(dir.resolve("r.yaml"), "policies:\n  - id: x\n");
        assertThatThrownBy(() -> RetentionPolicies.load(file, CONNECTORS))
                .hasMessageContaining("r.yaml is invalid").hasMessageContaining("policies[0].kind: is required");
    }

    @Test
    void the_shipped_file_is_valid_against_the_shipped_connectors_and_erases_nothing_until_turned_on()
            throws Exception {
        Set<String> shipped;
        try (var files = Files.list(Path.of("connectors"))) {
            shipped = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - 5)).collect(Collectors.toSet());
        }
        RetentionPolicies p = RetentionPolicies.load(Path.of("config/retention.yaml"), shipped);
        assertThat(p.all()).extracting(RetentionPolicy::kind).contains(RetentionPolicy.Kind.INACTIVE_SUBJECT,
                RetentionPolicy.Kind.CONNECTOR_AGE);
        assertThat(p.enabled()).isEmpty();
        // An installation that removed the analytics connectors' files still starts: the example is off.
        assertThat(RetentionPolicies.load(Path.of("config/retention.yaml"), Set.of("shop")).enabled()).isEmpty();
    }

    @Test
    void only_an_enabled_policy_must_name_connectors_that_exist(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String policy = """
                policies:
                  - id: analytics-26-months
                    description: analytics data older than 26 months
                    enabled: %s
                    kind: connector_age
                    after: 26 months
                    connectors: [gone, shop]
                """;
        Path off = Files.writeString(dir.resolve("off.yaml"), policy.formatted("false"));
        assertThat(RetentionPolicies.load(off, Set.of("shop")).all().get(0).connectors()).containsExactly("shop");
        Path on = Files.writeString(dir.resolve("on.yaml"), policy.formatted("true"));
        assertThatThrownBy(() -> RetentionPolicies.load(on, Set.of("shop")))
                .hasMessageContaining("'gone' is not a connector in connectors/");
    }
}
