package io.lethe.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lethe.demo.sandbox.SandboxResponse;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, findings 5 and the batching deliverable: one exchange per vendor call. A 429 in the middle of an erasure
 * batch repeats only the call that got it (the deletes already done are not repeated); every call, read-backs
 * included, takes a permit of the vendor's rate limit; a lone opt-out leaves without waiting for the dispatch timer,
 * and a burst still fills the vendor's batches (group commit).
 */
class DispatchPerCallTest extends HubTestSupport {

    VendorFakes fakes;
    final List<Long> optOutArrivals = new CopyOnWriteArrayList<>();

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        fakes.hubspot.onRequest(r -> {
            if (r.path().equals(VendorFakes.HUBSPOT_OPT_OUT)) {
                optOutArrivals.add(System.currentTimeMillis());
            }
        });
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "hubspot");
        // The dispatch timer would only fire after 10 minutes: anything sent sooner was woken by its commit.
        p.put("lethe.dispatch.poll-ms", "600000");
        p.put("lethe.dispatch.retry-delay-ms", "50");
        p.put("lethe.api.rate-limit.lookups-per-minute", "100000");
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
        optOutArrivals.clear();
    }

    String withdraw(String email) {
        var r = api.send("POST", "/api/v1/consents", INTAKE_KEY, "application/json", """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "withdrawn", "source": "form"}"""
                .formatted(email));
        assertThat(r.status()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    @Test
    void a_lone_opt_out_is_sent_when_it_is_committed_not_when_the_timer_fires() {
        withdraw(Addresses.realistic(1, "lone").get(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> optOutArrivals.size() == 1);
    }

    @Test
    void a_burst_fills_the_vendors_batches() {
        List<String> people = Addresses.realistic(300, "burst");
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            List<String> part = people.subList(t * 50, t * 50 + 50);
            Thread th = new Thread(() -> part.forEach(this::withdraw));
            senders.add(th);
            th.start();
        }
        senders.forEach(th -> {
            try {
                th.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fakes.hubspot
                .requests("POST", VendorFakes.HUBSPOT_OPT_OUT).stream().mapToInt(r -> body(r).path("inputs").size())
                .sum()).isEqualTo(300));
        // 300 withdrawals arrive one by one; whatever came while a call was in flight left together in the next one
        assertThat(optOutArrivals.size()).isLessThan(300 / 4);
    }

    @Test
    void a_429_in_the_middle_of_an_erasure_repeats_only_that_call() {
        List<String> people = Addresses.realistic(6, "erase429");
        people.forEach(e -> fakes.hubspotVendor.seed(e, (String) null));
        people.forEach(e -> assertThat(api.post("/api/v1/consents", ADMIN_KEY, """
                {"subject": {"email": "%s"}, "purpose": "analytics", "status": "granted"}""".formatted(e)).status())
                .isEqualTo(201));
        // the third gdpr-delete gets a 429 once
        java.util.concurrent.atomic.AtomicInteger deletes = new java.util.concurrent.atomic.AtomicInteger();
        fakes.hubspot.onRequest(r -> {
            if (r.path().equals(VendorFakes.HUBSPOT_GDPR_DELETE)) {
                deletes.incrementAndGet();
            }
        });
        fakes.hubspot.inject(r -> r.path().equals(VendorFakes.HUBSPOT_GDPR_DELETE) && deletes.get() == 3, 1,
                SandboxResponse.json(429, "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling"
                        + " limit.\",\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}")
                        .withHeader("Retry-After", "1"));
        List<String> ids = new ArrayList<>();
        for (String e : people) {
            var filed = api.post("/api/v1/requests", ADMIN_KEY, """
                    {"type": "erasure", "regulation": "gdpr", "subject": {"email": "%s"}}""".formatted(e));
            assertThat(filed.status()).as(filed.body()).isEqualTo(202);
            ids.add(filed.json().path("requestId").asText());
        }
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> ids.forEach(id -> assertThat(api.get(
                "/api/v1/requests/" + id, COMPLIANCE_KEY).json().path("status").asText()).isEqualTo("completed")));
        // six people, six accepted deletes, and the one refused call sent again: never a repeat of a done delete
        assertThat(fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_GDPR_DELETE)).hasSize(people.size() + 1);
        assertThat(fakes.hubspot.requests("POST", VendorFakes.HUBSPOT_GDPR_DELETE).stream()
                .map(r -> body(r).path("objectId").asText()).distinct()).hasSize(people.size());
    }

    static com.fasterxml.jackson.databind.JsonNode body(io.lethe.demo.sandbox.SandboxRequest r) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.bodyText());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
