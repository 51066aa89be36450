package io.lethe.support.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.lethe.demo.sandbox.SandboxRequest;
import org.junit.jupiter.api.Test;

/** The spec validators refuse what the vendors' own descriptions refuse (so a lenient fake cannot hide a bad call). */
class VendorSpecTest {

    private static SandboxRequest post(String path, String query, Map<String, List<String>> headers, String body) {
        return new SandboxRequest("POST", path, query, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sendgridGlobalSuppressionNeedsBearerAndAnArrayOfAddresses() {
        VendorSpec spec = VendorSpec.load("sendgrid/tsg_suppressions_v3.json", "");
        Map<String, List<String>> ok = Map.of("authorization", List.of("Bearer k"), "content-type", List.of("application/json"));
        assertThat(spec.check(post("/v3/asm/suppressions/global", null, ok,
                "{\"recipient_emails\":[\"ann@example.com\"]}")).hasErrors()).isFalse();
        assertThat(spec.check(post("/v3/asm/suppressions/global", null, ok,
                "{\"recipient_emails\":\"ann@example.com\"}")).hasErrors()).isTrue();
        assertThat(spec.check(post("/v3/asm/suppressions/global", null,
                Map.of("content-type", List.of("application/json")), "{\"recipient_emails\":[\"a@b.co\"]}")).hasErrors()).isTrue();
    }

    @Test
    void klaviyoDeletionJobNeedsRevisionAndJsonApi() {
        VendorSpec spec = VendorSpec.load("klaviyo/data_privacy.json", "");
        String body = "{\"data\":{\"type\":\"data-privacy-deletion-job\",\"attributes\":{\"profile\":{\"data\":{\"type\":\"profile\","
                + "\"attributes\":{\"email\":\"ann@example.com\"}}}}}}";
        Map<String, List<String>> ok = Map.of("authorization", List.of("Klaviyo-API-Key pk"), "revision", List.of("2026-07-15"),
                "content-type", List.of("application/vnd.api+json"));
        assertThat(spec.check(post("/api/data-privacy-deletion-jobs", null, ok, body)).hasErrors()).isFalse();
        assertThat(spec.check(post("/api/data-privacy-deletion-jobs", null, Map.of("authorization", List.of("Klaviyo-API-Key pk"),
                "content-type", List.of("application/vnd.api+json")), body)).hasErrors()).isTrue();
    }

    @Test
    void mixpanelAndIntercomLoad() {
        VendorSpec mixpanel = VendorSpec.load("mixpanel/gdpr.openapi.yaml", "/api/app");
        assertThat(mixpanel.check(post("/api/app/data-deletions/v3.0", "token=pt", Map.of("authorization",
                List.of("Bearer t"), "content-type", List.of("application/json")),
                "{\"distinct_ids\":[\"u1\"],\"compliance_type\":\"GDPR\"}")).hasErrors()).isFalse();
        assertThat(mixpanel.check(post("/api/app/data-deletions/v3.0", null, Map.of("authorization",
                List.of("Bearer t"), "content-type", List.of("application/json")),
                "{\"distinct_ids\":[\"u1\"]}")).hasErrors()).isTrue();
        VendorSpec intercom = VendorSpec.load("intercom/2.14/api.intercom.io.yaml", "");
        assertThat(intercom.check(post("/contacts/abc/subscriptions", null, Map.of("authorization", List.of("Bearer t"),
                "intercom-version", List.of("2.14"), "content-type", List.of("application/json")),
                "{\"id\":\"37846\",\"consent_type\":\"opt_out\"}")).hasErrors()).isFalse();
        assertThat(intercom.check(post("/contacts/abc/subscriptions", null, Map.of("intercom-version", List.of("2.14"),
                "content-type", List.of("application/json")), "{\"id\":\"37846\",\"consent_type\":\"opt_out\"}")).hasErrors()).isTrue();
    }
}
