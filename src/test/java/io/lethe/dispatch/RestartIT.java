package io.lethe.dispatch;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.demo.sandbox.SandboxRequest;
import io.lethe.support.ApiClient;
import io.lethe.support.HubProcess;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.Test;

import static io.lethe.support.VendorFakes.HUBSPOT_OPT_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kill -9 in the middle of dispatch: the packaged hub ({@code java -jar target/lethe.jar}) is killed while HubSpot
 * is still answering a batch, restarted on the same data, and every opt-out still arrives.
 */
class RestartIT {

    static final int PEOPLE = 150;

    @Test
    void every_opt_out_arrives_after_a_kill_9_mid_dispatch() throws Exception {
        try (VendorFakes fakes = new VendorFakes()) {
            // Slow vendor: the first batch is in flight when the hub dies.
            fakes.hubspot.injectDelay(r -> r.path().equals(HUBSPOT_OPT_OUT), Integer.MAX_VALUE, Duration.ofSeconds(4));
            Map<String, String> env = Map.of("LETHE_CONNECTORS", "hubspot",
                    "LETHE_HUBSPOT_BASE_URL", fakes.hubspot.baseUrl(), "LETHE_HUBSPOT_TOKEN", VendorFakes.HUBSPOT_TOKEN,
                    "LETHE_DISPATCH_POLL_MS", "50", "LETHE_DISPATCH_WINDOW_MS", "100");
            Path log = Files.createTempFile("lethe-restart-", ".log");
            Path dataDir = Files.createTempDirectory("lethe-restart-data-");
            HttpClient http = HttpClient.newHttpClient();

            HubProcess first = HubProcess.start(env, log, dataDir);
            first.awaitHealthy(http);
            StringBuilder events = new StringBuilder("{\"events\":[");
            for (int i = 0; i < PEOPLE; i++) {
                events.append(i == 0 ? "" : ",").append("{\"subject\":{\"email\":\"p").append(i)
                        .append("@example.com\"},\"purpose\":\"email_marketing\",\"status\":\"withdrawn\"}");
            }
            ApiClient api = new ApiClient(first.port);
            assertThat(api.post("/api/v1/consents/batch", HubProcess.KEY, events.append("]}").toString()).status())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    !fakes.hubspotPosts(HUBSPOT_OPT_OUT).isEmpty());
            first.kill();

            fakes.reset(); // the vendor answers at once from now on, and forgets the calls made so far
            try (HubProcess second = HubProcess.start(env, log, dataDir)) {
                second.awaitHealthy(http);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(delivered(fakes)).hasSize(PEOPLE));
                ApiClient again = new ApiClient(second.port);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> // recorded just after the vendor answers
                        assertThat(again.get("/api/v1/connectors", HubProcess.KEY).json().get(0).path("pending")
                                .asLong()).isZero());
                assertThat(again.get("/api/v1/audit/verify", HubProcess.KEY).json().path("valid").asBoolean()).isTrue();
            }
        }
    }

    /** Every address HubSpot has been asked to unsubscribe (the killed call's batch arrives again: that is harmless). */
    static Set<String> delivered(VendorFakes fakes) throws Exception {
        Set<String> emails = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        for (SandboxRequest r : fakes.hubspotPosts(HUBSPOT_OPT_OUT)) {
            json.readTree(r.bodyText()).path("inputs").forEach(i -> emails.add(i.asText()));
        }
        return emails;
    }
}
