package io.lethe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.demo.sandbox.AmplitudeBehaviour;
import io.lethe.demo.sandbox.MixpanelBehaviour;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.demo.sandbox.SegmentBehaviour;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.spec.VendorSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Withdrawals gathered while the connectors wait (parked) leave in full batches: Segment 5,000 ids a regulation,
 * Mixpanel 1,999 a deletion (eraseOnWithdrawal), Amplitude 100 a deletion (eraseOnWithdrawal).
 */
class AnalyticsFullBatchesTest extends HubTestSupport {

    static final ObjectMapper JSON = new ObjectMapper();
    SandboxServer segment;
    SandboxServer mixpanel;
    SandboxServer amplitude;
    VendorSpec mixpanelSpec;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        segment = SandboxServer.start(new SegmentBehaviour("sgp-test", Clock.systemUTC(), null, SegmentBehaviour.MONTHLY_USERS));
        mixpanel = SandboxServer.start(new MixpanelBehaviour("mp-oauth", "mp-project", Clock.systemUTC(), null, 1));
        amplitude = SandboxServer.start(new AmplitudeBehaviour("amp-key", "amp-secret", Clock.systemUTC(), null, 1));
        mixpanelSpec = VendorSpec.load("mixpanel/gdpr.openapi.yaml", "/api/app").attachTo(mixpanel);
        Properties p = new Properties();
        for (SandboxServer s : List.of(segment, mixpanel, amplitude)) {
            p.putAll(s.behaviour().hubSettings(s.baseUrl()));
        }
        p.put("lethe.connectors", "segment,mixpanel,amplitude");
        p.put("lethe.mixpanel.erase-on-withdrawal", "true");
        p.put("lethe.amplitude.erase-on-withdrawal", "true");
        p.put("lethe.dpo.email", "dpo@example-company.co.uk");
        return p;
    }

    @AfterAll
    void stopSandboxes() {
        List.of(segment, mixpanel, amplitude).forEach(SandboxServer::close);
    }

    void park(String connector, Instant until) throws Exception {
        try (Connection c = database.connect()) {
            try (PreparedStatement ps = c.prepareStatement("insert into connector_state (connector) select ?"
                    + " where not exists (select 1 from connector_state where connector = ?)")) {
                ps.setString(1, connector);
                ps.setString(2, connector);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("update connector_state set parked_until = ? where connector = ?")) {
                ps.setObject(1, until.atOffset(ZoneOffset.UTC));
                ps.setString(2, connector);
                ps.executeUpdate();
            }
        }
    }

    /** {@code n} people withdraw analytics, 1,000 events a call; returns their externalIds. */
    List<String> withdraw(String tag, int n) {
        List<String> emails = Addresses.realistic(n, tag);
        List<String> ids = new ArrayList<>();
        for (int from = 0; from < n; from += 1000) {
            StringJoiner events = new StringJoiner(",", "{\"events\":[", "]}");
            for (int i = from; i < Math.min(n, from + 1000); i++) {
                String id = tag + "-" + String.format("%06d", i);
                ids.add(id);
                events.add("{\"subject\":{\"email\":\"" + emails.get(i) + "\",\"externalId\":\"" + id
                        + "\"},\"purpose\":\"analytics\",\"status\":\"withdrawn\",\"source\":\"web-form\"}");
            }
            assertThat(api.post("/api/v1/consents/batch", ADMIN_KEY, events.toString()).status()).isEqualTo(200);
        }
        return ids;
    }

    static int ids(SandboxRequest r, String field) {
        try {
            return JSON.readTree(r.bodyText()).path(field).size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void gatheredWithdrawalsLeaveInFullBatches() throws Exception {
        Instant later = Instant.now().plus(Duration.ofHours(1));
        park("segment", later);
        park("mixpanel", later);
        park("amplitude", later);
        withdraw("amp-batch", 200);
        park("amplitude", Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(() -> amplitude.requests("POST", "/api/2/deletions/users").size() >= 2);
        assertThat(amplitude.requests("POST", "/api/2/deletions/users")).extracting(r -> ids(r, "user_ids"))
                .containsExactly(100, 100);
        park("amplitude", later);

        withdraw("sgm-batch", 5_000);
        int segmentBefore = segment.requests("POST", "/regulations").size();
        park("segment", Instant.now());
        park("mixpanel", Instant.now());
        await().atMost(Duration.ofSeconds(90)).until(() -> mixpanel.requests("POST", "/api/app/data-deletions/v3.0")
                .stream().mapToInt(r -> ids(r, "distinct_ids")).sum() == 5_200);
        await().atMost(Duration.ofSeconds(30)).until(() -> segment.requests("POST", "/regulations").stream()
                .mapToInt(r -> ids(r, "subjectIds")).sum() == 5_200);
        List<Integer> segmentCalls = segment.requests("POST", "/regulations").stream().skip(segmentBefore)
                .map(r -> ids(r, "subjectIds")).toList();
        assertThat(segmentCalls).containsExactly(5_000, 200);          // the 200 above waited at Segment too
        assertThat(mixpanel.requests("POST", "/api/app/data-deletions/v3.0")).extracting(r -> ids(r, "distinct_ids"))
                .containsExactly(1_999, 1_999, 1_202);
        JsonNode first = JSON.readTree(segment.requests("POST", "/regulations").get(segmentBefore).bodyText());
        assertThat(first.path("regulationType").asText()).isEqualTo("SUPPRESS_ONLY");
        mixpanelSpec.assertNoViolations();
    }
}
