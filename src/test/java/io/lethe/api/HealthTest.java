package io.lethe.api;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.support.ApiClient.Response;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Health tells the truth about the register. */
class HealthTest extends HubTestSupport {

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Test
    void health_is_up_with_the_register_and_down_without_it() {
        Response up = api.get("/observe/health", null);
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.json().path("status").asText()).isEqualTo("UP");

        context.getRegistry().lookupByNameAndType("registerDataSource", HikariDataSource.class).close();

        Response down = api.get("/observe/health", null);
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.json().path("status").asText()).isEqualTo("DOWN");

        // Without an admin key the query cannot ask for more: no checks, no route ids, no stack trace, no host.
        for (String key : new String[] {null, COMPLIANCE_KEY}) {
            Response asked = api.get("/observe/health?exposureLevel=full&data=true&stackTrace=true", key);
            assertThat(asked.status()).isEqualTo(503);
            assertThat(asked.body()).isEqualTo("{\"status\":\"DOWN\"}");
        }
        Response operator = api.get("/observe/health?exposureLevel=full&data=true&stackTrace=true", ADMIN_KEY);
        assertThat(operator.status()).isEqualTo(503);
        assertThat(operator.body()).contains("register database is unreachable");
    }
}
