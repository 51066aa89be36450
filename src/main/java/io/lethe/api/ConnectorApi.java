package io.lethe.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.Connectors;
import io.lethe.dispatch.Outbox;
import io.lethe.dispatch.StalledCommands;
import io.lethe.register.ConsentRegister;
import org.apache.camel.Exchange;

/** {@code GET /api/v1/connectors} and {@code GET /api/v1/subjects/{id}/vendors}. */
public final class ConnectorApi {

    private final Connectors connectors;
    private final Outbox outbox;
    private final StalledCommands stalled;
    private final ConsentRegister register;
    private final Responses responses;

    public ConnectorApi(Connectors connectors, Outbox outbox, StalledCommands stalled, ConsentRegister register,
            Responses responses) {
        this.connectors = connectors;
        this.outbox = outbox;
        this.stalled = stalled;
        this.register = register;
        this.responses = responses;
    }

    /**
     * Every known connector. {@code health}: {@code disabled}, {@code up}, {@code parked} (a vendor limit was hit;
     * {@code parkedUntil} says until when), or {@code stalled} (a command has waited longer than
     * {@code lethe.dispatch.alert-after}; it stays so until that command is delivered). {@code pending}: commands not
     * finished yet; {@code oldestPendingAt}: when the oldest of them was written.
     */
    public void list(Exchange exchange) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Status st : statuses(connectors, outbox, stalled)) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", st.id());
            c.put("title", st.title());
            c.put("category", st.category());
            c.put("enabled", st.enabled());
            c.put("health", st.health());
            if (st.parkedUntil() != null) {
                c.put("parkedUntil", st.parkedUntil().toString());
            }
            c.put("pending", st.pending());
            c.put("oldestPendingAt", st.oldestPendingAt() == null ? null : st.oldestPendingAt().toString());
            c.put("lastSyncAt", st.lastSyncAt() == null ? null : st.lastSyncAt().toString());
            out.add(c);
        }
        responses.json(exchange, 200, out);
    }

    /** One connector as {@code GET /api/v1/connectors} (and the console's overview) shows it. */
    public record Status(String id, String title, String category, boolean enabled, String health,
            Instant parkedUntil, long pending, Instant oldestPendingAt, Instant lastSyncAt) {
    }

    /** Every known connector's health and backlog (see {@link #list}). */
    public static List<Status> statuses(Connectors connectors, Outbox outbox, StalledCommands stalled) {
        Map<String, Long> pending = outbox.unfinished();
        Map<String, Instant> oldest = stalled.oldestUndelivered();
        Map<String, Instant> lastSync = outbox.lastSync();
        List<Status> out = new ArrayList<>();
        for (ConnectorDescriptor d : connectors.known()) {
            boolean enabled = connectors.isEnabled(d.id());
            Instant parked = enabled ? outbox.parkedUntil(d.id()).orElse(null) : null;
            Instant oldestPending = oldest.get(d.id());
            String health = !enabled ? "disabled" : parked != null ? "parked"
                    : stalled.stalled(oldestPending) ? "stalled" : "up";
            out.add(new Status(d.id(), d.title(), d.category(), enabled, health, parked,
                    pending.getOrDefault(d.id(), 0L), oldestPending, lastSync.get(d.id())));
        }
        return out;
    }

    public void subjectVendors(Exchange exchange) {
        String subjectId = SubjectApi.subjectId(exchange);
        if (!register.exists(subjectId)) {
            throw ApiProblem.notFound("No subject has that subjectId.");
        }
        List<Map<String, Object>> vendors = new ArrayList<>();
        for (Outbox.LastCommand c : outbox.lastCommands(subjectId)) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("vendor", c.connector());
            v.put("command", c.action());
            v.put("purpose", c.purpose());
            v.put("status", c.status().wire());
            v.put("outcome", c.outcome());
            v.put("at", c.updatedAt().toString());
            vendors.add(v);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subjectId", subjectId);
        body.put("vendors", vendors);
        responses.json(exchange, 200, body);
    }
}
