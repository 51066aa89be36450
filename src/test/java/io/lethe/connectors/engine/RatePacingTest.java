package io.lethe.connectors.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.lethe.connectors.Connectors;
import io.lethe.connectors.Target;
import io.lethe.demo.sandbox.KlaviyoBehaviour;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The hub stays inside a vendor's windows as the vendor counts them, by arrival: Klaviyo's deletion jobs (3 a second
 * within 60 a minute, enforced by its sandbox as a sliding window) cost one call each and no 429. The erasure
 * benchmark saw 16 % of Klaviyo's and 24 % of GA4's calls refused when the Throttle ran the declared windows exactly:
 * a call delayed after the Throttle shared the vendor's window with one let through a period later.
 */
class RatePacingTest extends HubTestSupport {

    static final int ERASURES = 13;
    KlaviyoBehaviour klaviyo;
    SandboxServer server;

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        klaviyo = new KlaviyoBehaviour("pk_test", Clock.systemUTC(), null);
        server = SandboxServer.start(klaviyo);
        Properties p = new Properties();
        p.put("lethe.connectors", "klaviyo");
        p.putAll(klaviyo.hubSettings(server.baseUrl()));
        return p;
    }

    @AfterAll
    void stopSandbox() {
        server.close();
    }

    @Test
    void deletion_jobs_are_paced_inside_klaviyos_burst_window_one_call_each() {
        List<String> emails = Addresses.realistic(ERASURES, "paced");
        emails.forEach(e -> klaviyo.seed(e, null));
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < ERASURES; i++) {
            targets.add(new Target(70_000 + i, "subject-" + i, "erase", null, List.of(emails.get(i)), List.of(),
                    Map.of(), "req-" + i, "GDPR"));
        }
        ConnectorEngine engine = context.getRegistry().lookupByNameAndType("connectorEngine", ConnectorEngine.class);
        var connector = context.getRegistry().lookupByNameAndType("connectors", Connectors.class).enabled("klaviyo")
                .orElseThrow();
        assertThat(engine.run(connector, "erase", targets)).hasSize(ERASURES)
                .allMatch(o -> o.outcome().equals("submitted")); // queued at Klaviyo, read back later (verifyLater)
        // One call per deletion job, give or take one refused and sent again: on a machine loaded enough (a CI run
        // beside a build) a call can still be held after the Throttle past the pacing margin. Without the margin the
        // benchmark saw 16-24 % of calls refused, 2-3 of these 13.
        assertThat(server.requests("POST", "/api/data-privacy-deletion-jobs")).hasSizeBetween(ERASURES, ERASURES + 1);
    }
}
