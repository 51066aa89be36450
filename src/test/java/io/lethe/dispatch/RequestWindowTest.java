package io.lethe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request window (lethe.dispatch.request-window): erasures filed one by one gather into one dispatch batch, so
 * the vendor gets one read-back for all of them instead of one per erasure (the erasure benchmark's finding:
 * requests filed a few a second left one or two per batch, and every batch paid its own read-back, look-ups and
 * jobs). Withdrawals do not wait for it.
 */
class RequestWindowTest extends HubTestSupport {

    static final int ERASURES = 10;
    VendorFakes fakes;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "hubspot");
        p.put("lethe.dispatch.poll-ms", "200");
        // longer than filing the erasures takes on a loaded machine, short enough for a test
        p.put("lethe.dispatch.request-window", "8s");
        p.put("lethe.dispatch.request-quiet", "8s");
        p.put("lethe.api.rate-limit.filings-per-minute", "100000");
        return p;
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    @BeforeEach
    void clean() {
        fakes.reset();
    }

    @Test
    void erasures_filed_one_by_one_leave_in_one_batch_with_one_read_back() {
        List<String> people = Addresses.realistic(ERASURES, "window");
        people.forEach(e -> fakes.hubspotVendor.seed(e, (String) null));
        people.forEach(e -> assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "analytics", "status": "granted"}""".formatted(e)).status())
                .isEqualTo(201));
        List<String> ids = new ArrayList<>();
        for (String e : people) {
            var filed = api.post("/api/v1/requests", ADMIN_KEY, """
                    {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(e));
            assertThat(filed.status()).as(filed.body()).isEqualTo(202);
            ids.add(filed.json().path("requestId").asText());
        }
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> ids.forEach(id -> assertThat(api.get(
                "/api/v1/requests/" + id, COMPLIANCE_KEY).json().path("status").asText()).isEqualTo("completed")));
        // HubSpot's minimum: one gdpr-delete per person (its batch maximum is 1) and one batch/read of all ten
        assertThat(fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_GDPR_DELETE)).hasSize(ERASURES);
        assertThat(fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_BATCH_READ)).hasSize(1);
        assertThat(fakes.hubspot.requests()).hasSize(ERASURES + 1);
    }

    @Test
    void a_withdrawal_does_not_wait_for_the_window() {
        String email = Addresses.realistic(1, "window-optout").get(0);
        long t0 = System.currentTimeMillis();
        assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn"}""".formatted(email))
                .status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(5)).until(() -> !fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_OPT_OUT)
                .isEmpty());
        assertThat(System.currentTimeMillis() - t0).isLessThan(Duration.ofSeconds(8).toMillis());
    }
}
