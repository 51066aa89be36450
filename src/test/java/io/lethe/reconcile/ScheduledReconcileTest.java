package io.lethe.reconcile;

import java.time.Duration;
import java.util.Properties;

import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** lethe.reconcile.<id>.cron schedules runs of that connector. */
class ScheduledReconcileTest extends HubTestSupport {

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
        p.put("lethe.reconcile.hubspot.cron", "0/1 * * * * ?");
        return p;
    }

    @AfterAll
    void stop() {
        fakes.close();
    }

    @Test
    void a_cron_starts_runs_by_itself() {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                fakes.hubspot.requests("GET", "/crm/v3/objects/contacts").size() >= 2);
        assertThat(database.count("reconcile_run")).isGreaterThanOrEqualTo(2);
    }
}
