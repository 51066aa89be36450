package io.lethe.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.events.Event;
import io.lethe.events.EventLog;
import io.lethe.events.Events;
import io.lethe.support.MutableClock;
import org.junit.jupiter.api.Test;

class ConnectorHealthWatchTest {

    @Test
    void a_change_of_health_is_published_once_and_the_first_sight_is_not() {
        try (HikariDataSource ds = WebhookTestDatabase.open()) {
            Map<String, String> health = new LinkedHashMap<>();
            health.put("hubspot", "ok");
            health.put("braze", "ok");
            ConnectorHealthWatch watch = new ConnectorHealthWatch(ds, () -> health, new MutableClock());
            EventLog log = new EventLog(ds);
            assertThat(watch.check()).isZero();
            health.put("hubspot", "parked");
            assertThat(watch.check()).isEqualTo(1);
            assertThat(watch.check()).as("unchanged: nothing more").isZero();
            health.put("hubspot", "ok");
            health.put("braze", "degraded");
            assertThat(watch.check()).isEqualTo(2);
            log.sequence(100);
            List<Event> events = log.after(0, 100, List.of(Events.CONNECTOR_HEALTH_CHANGED));
            assertThat(events).extracting(Event::data).containsExactly(
                    "{\"connector\":\"hubspot\",\"from\":\"ok\",\"health\":\"parked\"}",
                    "{\"connector\":\"hubspot\",\"from\":\"parked\",\"health\":\"ok\"}",
                    "{\"connector\":\"braze\",\"from\":\"ok\",\"health\":\"degraded\"}");
            assertThat(events).extracting(Event::subjectId).containsOnlyNulls();
        }
    }
}
