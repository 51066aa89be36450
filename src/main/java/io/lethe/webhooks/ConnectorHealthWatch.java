package io.lethe.webhooks;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.Connectors;
import io.lethe.db.Sql;
import io.lethe.dispatch.Outbox;
import io.lethe.dispatch.StalledCommands;
import io.lethe.events.Events;

/**
 * {@code connector.health_changed}: the periodic evaluation of each connector's health as GET /api/v1/connectors
 * shows it, in receivers' words: {@code ok} (up), {@code degraded} (a command has waited past
 * lethe.dispatch.alert-after: stalled), {@code parked} (a vendor limit was hit), {@code disabled}. An event is
 * published only when a connector's health differs from the last one recorded (connector_health), in the same
 * transaction that records it; a connector seen for the first time is recorded without an event.
 */
public final class ConnectorHealthWatch {

    private final DataSource dataSource;
    private final Supplier<Map<String, String>> health;
    private final Clock clock;

    /** @param health connector id → its health now ({@link #evaluation}) */
    public ConnectorHealthWatch(DataSource dataSource, Supplier<Map<String, String>> health, Clock clock) {
        this.dataSource = dataSource;
        this.health = health;
        this.clock = clock;
    }

    /** Each known connector's health as GET /api/v1/connectors sees it, in receivers' words. */
    public static Supplier<Map<String, String>> evaluation(Connectors connectors, Outbox outbox,
            StalledCommands stalled) {
        return () -> {
            Map<String, Instant> oldest = stalled.oldestUndelivered();
            Map<String, String> out = new LinkedHashMap<>();
            for (ConnectorDescriptor d : connectors.known()) {
                boolean enabled = connectors.isEnabled(d.id());
                String h = !enabled ? "disabled" : outbox.parkedUntil(d.id()).isPresent() ? "parked"
                        : stalled.stalled(oldest.get(d.id())) ? "degraded" : "ok";
                out.put(d.id(), h);
            }
            return out;
        };
    }

    /** Timer step: records each change and publishes it; returns how many changed. */
    public int check() {
        Map<String, String> now = health.get();
        Instant at = clock.instant();
        return Sql.transaction(dataSource, "recording connector health", c -> {
            Map<String, String> before = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select connector, health from connector_health for update");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    before.put(rs.getString(1), rs.getString(2));
                }
            }
            int changed = 0;
            for (Map.Entry<String, String> e : now.entrySet()) {
                String was = before.get(e.getKey());
                if (e.getValue().equals(was)) {
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement(was == null
                        ? "insert into connector_health (health, changed_at, connector) values (?, ?, ?)"
                        : "update connector_health set health = ?, changed_at = ? where connector = ?")) {
                    ps.setString(1, e.getValue());
                    ps.setObject(2, at.atOffset(ZoneOffset.UTC));
                    ps.setString(3, e.getKey());
                    ps.executeUpdate();
                }
                if (was != null) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("connector", e.getKey());
                    data.put("from", was);
                    data.put("health", e.getValue());
                    Events.publish(c, Events.CONNECTOR_HEALTH_CHANGED, null, data, at);
                    changed++;
                }
            }
            return changed;
        });
    }
}
