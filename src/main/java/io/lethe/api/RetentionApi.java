package io.lethe.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lethe.retention.Retention;
import io.lethe.retention.RetentionPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Retention (config/retention.yaml): {@code GET /retention/preview} (the dry run: subject ids and why, no personal
 * data), {@code POST /retention/runs} (run every enabled policy now, asynchronously) and {@code GET /retention/runs}
 * (history, counts only).
 */
public final class RetentionApi {

    private final Retention retention;
    private final ProducerTemplate template;
    private final Responses responses;

    public RetentionApi(Retention retention, ProducerTemplate template, Responses responses) {
        this.retention = retention;
        this.template = template;
        this.responses = responses;
    }

    public void preview(Exchange exchange) {
        new QueryParams(exchange, Set.of()).throwIfInvalid();
        responses.json(exchange, 200, Map.of("policies", retention.preview().stream().map(RetentionApi::render)
                .toList()));
    }

    public void start(Exchange exchange) {
        new QueryParams(exchange, Set.of()).throwIfInvalid();
        List<String> runIds = startNow(exchange.getProperty(ApiGuard.PRINCIPAL, Principal.class).keyName());
        responses.json(exchange, 202, Map.of("runIds", runIds));
    }

    /** Claims a run of every enabled policy and hands them to the retention route (the API's and console's action). */
    public List<String> startNow(String by) {
        List<String> runIds = retention.claimNow(by);
        if (!runIds.isEmpty()) {
            template.sendBody("seda:retention-run", String.join(",", runIds));
        }
        return runIds;
    }

    public void runs(Exchange exchange) {
        QueryParams q = new QueryParams(exchange, Set.of("limit"));
        int limit = (int) q.number("limit", 50, 1, 500);
        q.throwIfInvalid();
        responses.json(exchange, 200, Map.of("runs", retention.recent(limit).stream().map(RetentionApi::render)
                .toList()));
    }

    static Map<String, Object> render(Retention.Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", r.id());
        m.put("policy", r.policy());
        m.put("startedBy", r.startedBy());
        m.put("status", r.status());
        m.put("selected", r.selected());
        m.put("filed", r.filed());
        m.put("held", r.held());
        m.put("alreadyOpen", r.alreadyOpen());
        m.put("startedAt", r.startedAt().toString());
        m.put("finishedAt", r.finishedAt() == null ? null : r.finishedAt().toString());
        m.put("error", r.error());
        return m;
    }

    static Map<String, Object> render(Retention.PolicyPreview p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.putAll(render(p.policy()));
        m.put("cutoff", p.cutoff().toString());
        m.put("selected", p.selected());
        m.put("toErase", p.toEraseCount());
        m.put("overLimit", p.overLimit());
        String why = p.policy().kind() == RetentionPolicy.Kind.INACTIVE_SUBJECT
                ? "no purpose granted; last consent event or registration " : "last delivery to "
                        + String.join(", ", p.policy().connectors()) + " ";
        m.put("subjects", p.toErase().stream().map(c -> Map.of("subjectId", c.subjectId(), "lastActivity",
                c.lastActivity().toString(), "reason", why + c.lastActivity() + ", before " + p.cutoff())).toList());
        m.put("skippedOnHold", p.held());
        m.put("skippedAlreadyOpen", p.alreadyOpen());
        return m;
    }

    static Map<String, Object> render(RetentionPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("description", p.description());
        m.put("kind", p.kind().wire());
        m.put("after", p.after().toString());
        m.put("connectors", p.scope());
        m.put("limit", p.limit());
        return m;
    }
}
