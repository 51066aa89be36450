package io.lethe.console;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The breach pages live in routes/breach.camel.yaml: the same role-map rules as routes/console.camel.yaml's. */
class BreachConsoleRoutesTest {

    @Test
    void every_breach_console_route_is_guarded_reads_on_get_and_changes_only_as_admin() throws Exception {
        JsonNode file = new YAMLMapper().readTree(Path.of("routes/breach.camel.yaml").toFile());
        List<String> ids = new ArrayList<>();
        for (JsonNode item : file) {
            JsonNode route = item.get("route");
            if (route == null || !route.path("from").path("uri").asText().startsWith("platform-http:")) {
                continue;
            }
            String id = route.path("id").asText();
            ids.add(id);
            assertThat(route.path("from").path("uri").asText()).as(id).startsWith("platform-http:/console/breaches");
            assertThat(route.path("routeConfigurationId").asText()).as(id).isEqualTo("console");
            Access access = Access.ofGroup(route.path("group").asText()).orElse(null);
            String method = route.path("from").path("parameters").path("httpMethodRestrict").asText();
            assertThat(method).as(id).isIn("GET", "POST");
            assertThat(access).as(id).isEqualTo(method.equals("GET") ? Access.REVIEW : Access.ADMIN);
        }
        assertThat(ids).contains("console-breaches", "console-breach", "console-breach-report");
        assertThat(Nav.ENTRIES.stream().map(Nav.Entry::routeId)).contains("console-breaches");
    }
}
