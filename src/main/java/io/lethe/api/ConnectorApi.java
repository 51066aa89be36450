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
        Map<String, Long> pending = outbox.unfinished();
        Map<String, Instant> oldest = stalled.oldestUndelivered();
        Map<String, Instant> lastSync = outbox.lastSync();
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConnectorDescriptor d : connectors.known()) {
            boolean enabled = connectors.isEnabled(d.id());
            Instant parked = enabled ? outbox.parkedUntil(d.id()).orElse(null) : null;
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", d.id());
            c.put("title", d.title());
            c.put("category", d.category());
            c.put("enabled", enabled);
            Instant oldestPending = oldest.get(d.id());
            c.put("health", !enabled ? "disabled" : parked != null ? "parked"
                    : stalled.stalled(oldestPending) ? "stalled" : "up");
            if (parked != null) {
                c.put("parkedUntil", parked.toString());
            }
            c.put("pending", pending.getOrDefault(d.id(), 0L));
            c.put("oldestPendingAt", oldestPending == null ? null : oldestPending.toString());
            Instant last = lastSync.get(d.id());
            c.put("lastSyncAt", last == null ? null : last.toString());
            out.add(c);
        }
        responses.json(exchange, 200, out);
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
