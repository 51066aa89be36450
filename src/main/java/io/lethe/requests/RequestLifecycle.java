package io.lethe.requests;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import io.lethe.dispatch.Command;
import io.lethe.dispatch.CommandStatus;
import io.lethe.dispatch.RequestCommands;
import io.lethe.dispatch.RequestCommands.Finished;
import io.lethe.notify.MailOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of routes/lifecycle.camel.yaml: after dispatch has committed a batch, each request of it takes its
 * vendors' results in a transaction of its own and finishes once every vendor has answered (the completion mail is
 * queued in that transaction and leaves after it commits). A request the hand-off missed (the hub stopped between the
 * two transactions, or this step failed) is found by the sweep: nothing is lost, and taking a result twice is a no-op.
 */
public final class RequestLifecycle implements MailOutbox.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(RequestLifecycle.class);
    private static final int SWEEP_MAX = 500;
    /** When one connector ran several commands for a request (an objection to two purposes), the worst one counts. */
    private static final List<String> WORST_FIRST = List.of("action_required", "failed", "submitted", "completed",
            "verified", "not_found", "skipped");

    private final DataSource dataSource;
    private final RequestStore store;
    private final RequestCommands commands;
    private final RequestCompletion completion;
    private final Clock clock;

    RequestLifecycle(DataSource dataSource, RequestStore store, RequestCommands commands, RequestCompletion completion,
            Clock clock) {
        this.dataSource = dataSource;
        this.store = store;
        this.commands = commands;
        this.completion = completion;
        this.clock = clock;
    }

    /** Route step: the requests of the finished commands handed over by dispatch, each once. */
    public List<String> requestsOf(List<Command> finished) {
        return finished.stream().map(Command::requestId).filter(Objects::nonNull).distinct().sorted().toList();
    }

    /** Sweep step: requests whose commands are all finished but whose results were not taken. */
    public List<String> stranded() {
        List<String> ids = Sql.transaction(dataSource, "finding stranded requests", c -> commands.stranded(c, SWEEP_MAX));
        if (!ids.isEmpty()) {
            LOG.info("{} request(s) take vendor results the hand-off after dispatch missed", ids.size());
        }
        return ids;
    }

    /**
     * Route step: the request takes the results of its finished commands (vendor progress, sealed access exports)
     * and finishes if every vendor has answered. A connector with a command still to deliver waits for it.
     */
    public boolean advance(String requestId) {
        Instant now = clock.instant();
        return Sql.transaction(dataSource, "advancing request " + requestId, c -> {
            store.lock(c, requestId); // the route and the sweep may both come: one takes, the other finds nothing
            return takeUntaken(c, requestId, now) && finishIfAnswered(c, requestId);
        });
    }

    /** Takes the request's finished, untaken commands' results; false when there was nothing to take. */
    private boolean takeUntaken(Connection c, String requestId, Instant now) throws SQLException {
        List<Finished> untaken = commands.untaken(c, requestId);
        if (untaken.isEmpty() || store.find(c, requestId).isEmpty()) {
            return false;
        }
        Set<String> busy = Set.copyOf(commands.busyConnectors(c, requestId));
        Map<String, List<Finished>> byConnector = new LinkedHashMap<>();
        untaken.stream().filter(f -> !busy.contains(f.connector()))
                .forEach(f -> byConnector.computeIfAbsent(f.connector(), k -> new ArrayList<>()).add(f));
        List<Long> taken = new ArrayList<>();
        for (Map.Entry<String, List<Finished>> e : byConnector.entrySet()) {
            take(c, requestId, e.getKey(), e.getValue(), now);
            e.getValue().forEach(f -> taken.add(f.id()));
        }
        commands.markTaken(c, taken, now);
        return true;
    }

    private void take(Connection c, String requestId, String connector, List<Finished> results, Instant now)
            throws SQLException {
        Finished last = results.get(results.size() - 1);
        String status = results.stream().map(RequestLifecycle::vendorStatus)
                .min((a, b) -> Integer.compare(WORST_FIRST.indexOf(a), WORST_FIRST.indexOf(b))).orElseThrow();
        store.setVendor(c, requestId, connector, status, last.detail(), now);
        for (Finished f : results) {
            if (f.sealedResult() != null) { // an access export, sealed with the subject's key under the same binding
                store.saveExport(c, requestId, connector, f.sealedResult());
            }
        }
    }

    private boolean finishIfAnswered(Connection c, String requestId) throws SQLException {
        DataSubjectRequest r = store.find(c, requestId).orElseThrow();
        if (r.status() == RequestStatus.IN_PROGRESS && RequestCompletion.everyVendorAnswered(r)) {
            completion.finish(c, r);
            return true;
        }
        return false;
    }

    static String vendorStatus(Finished f) {
        if (f.status() == CommandStatus.ACTION_REQUIRED) {
            return "action_required";
        }
        return switch (f.outcome() == null ? "" : f.outcome()) {
            case "verified" -> "verified";
            case "not_found" -> "not_found";
            case "skipped" -> "skipped";
            case "submitted", "awaiting_callback" -> "submitted";
            case "still_present" -> "failed";
            default -> "completed";
        };
    }

    /**
     * A vendor without an API answered by e-mail: its part of the request takes the status read from the reply,
     * and the request finishes if that was the last open part.
     */
    public boolean vendorReply(String requestId, String connector, String status, String detail) {
        Instant now = clock.instant();
        return Sql.transaction(dataSource, "recording a vendor's reply", c -> {
            store.lock(c, requestId);
            // a quick reply (a bounce) may come before the life cycle took the e-mail's dispatch result: take it first
            takeUntaken(c, requestId, now);
            Optional<DataSubjectRequest> r = store.find(c, requestId);
            boolean waiting = r.isPresent() && r.get().status() == RequestStatus.IN_PROGRESS && r.get().vendors().stream()
                    .anyMatch(v -> v.vendor().equals(connector) && v.status().equals("submitted"));
            if (!waiting) {
                return false;
            }
            store.setVendor(c, requestId, connector, status, detail, now);
            finishIfAnswered(c, requestId);
            return true;
        });
    }

    /**
     * The identity link could not be delivered (the server refused the address for good): the request cannot go on
     * by itself, so it waits for a person as {@code action_required} (the DPO is told by the mail sender).
     */
    @Override
    public void onRefused(Connection c, MailOutbox.Queued refused) throws SQLException {
        if (!refused.kind().equals("verification") || refused.requestId() == null) {
            return;
        }
        store.lock(c, refused.requestId());
        Optional<DataSubjectRequest> r = store.find(c, refused.requestId());
        if (r.isPresent() && r.get().status() == RequestStatus.IDENTITY_UNVERIFIED) {
            store.setStatus(c, refused.requestId(), RequestStatus.ACTION_REQUIRED, clock.instant());
            LOG.warn("Request {}: the identity link was refused by the mail server; the request needs action",
                    refused.requestId());
        }
    }
}
