package io.lethe.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor.Operation;
import io.lethe.connectors.ConnectorDescriptor.VerifyLater;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.InvalidConnectorException;
import io.lethe.connectors.Target;
import io.lethe.connectors.engine.ConnectorEngine;
import io.lethe.connectors.engine.JobStatus;
import io.lethe.dispatch.Command;
import io.lethe.dispatch.Dispatcher;
import io.lethe.dispatch.VendorJobs;
import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;

/**
 * How {@link VendorJobs} reaches the connector files: a job's status operation (the {@code job:} of the operation the
 * command ran, or of its {@code then:} step) polled with the engine's {@code pollJob}; a queued deletion
 * ({@code verifyLater:}) read back with the engine for the commands' identities, still in the register while the
 * request waits for it.
 */
final class VendorJobPolling implements VendorJobs.Poller, VendorJobs.StatusOperations {

    private final ConnectorEngine engine;
    private final Connectors connectors;
    private final ConsentRegister register;

    VendorJobPolling(ConnectorEngine engine, Connectors connectors, ConsentRegister register) {
        this.engine = engine;
        this.connectors = connectors;
        this.register = register;
        for (Connector c : connectors.enabled()) { // a bad duration in a setting fails the start, not a dispatch
            for (Operation op : c.descriptor().operations().values()) {
                if (op.verifyLater() != null) {
                    tracking(c, op.verifyLater());
                    readBackBatch(c.id(), op.verifyLater().operation());
                }
            }
        }
    }

    @Override
    public VendorJobs.JobResult poll(String connectorId, String statusOperation, String jobId) {
        JobStatus status = engine.pollJob(connectors.enabled(connectorId).orElseThrow(), statusOperation, jobId);
        return new VendorJobs.JobResult(VendorJobs.State.valueOf(status.state().name()), status.detail(),
                status.data());
    }

    @Override
    public Set<Long> stillPresent(String connectorId, String readBackOperation, List<Command> commands) {
        Connector connector = connectors.enabled(connectorId).orElseThrow();
        List<String> subjects = commands.stream().map(Command::subjectId).toList();
        String kind = connector.descriptor().identity();
        Map<String, List<String>> emails = kind.equals("external_id") ? Map.of()
                : register.identities(subjects, IdentityKind.EMAIL);
        Map<String, List<String>> externalIds = kind.equals("email") ? Map.of()
                : register.identities(subjects, IdentityKind.EXTERNAL_ID);
        List<Target> targets = commands.stream().map(c -> new Target(c.id(), c.subjectId(), c.action(), c.purpose(),
                emails.getOrDefault(c.subjectId(), List.of()), externalIds.getOrDefault(c.subjectId(), List.of()),
                Map.of(), c.requestId(), null)).toList();
        Set<Long> present = new java.util.LinkedHashSet<>();
        for (String operation : readBackOperation.split(",")) {
            present.addAll(engine.stillPresent(connector, operation, targets));
        }
        return present;
    }

    /** The read-back operation's batchMax fills a call; the gather time is the erase's {@code verifyLater.gather}. */
    @Override
    public VendorJobs.ReadBackBatch readBackBatch(String connectorId, String readBackOperation) {
        Connector connector = connectors.enabled(connectorId).orElse(null);
        if (connector == null) { // disabled since: its read-backs fail one by one, as before, and are tried again
            return VendorJobs.ReadBackBatch.NONE;
        }
        VerifyLater v = connector.descriptor().operations().values().stream().map(Operation::verifyLater)
                .filter(l -> l != null && l.operation().equals(readBackOperation)).findFirst().orElse(null);
        if (v == null || v.gather().isEmpty()) {
            return VendorJobs.ReadBackBatch.NONE;
        }
        return new VendorJobs.ReadBackBatch(connector.descriptor().operation(readBackOperation).batchMax(),
                duration(connector, v.gather(), "gather"));
    }

    @Override
    public String of(Command command) {
        VendorJobs.Tracking t = tracking(command);
        return t == null ? null : t.operation();
    }

    @Override
    public VendorJobs.Tracking tracking(Command command) {
        return connectors.enabled(command.connector()).map(c -> {
            String operation = Dispatcher.operation(c, command);
            if (operation == null || !c.descriptor().declares(operation)) {
                return null;
            }
            Operation op = c.descriptor().operation(operation);
            if (op.verifyLater() != null) {
                return tracking(c, op.verifyLater());
            }
            // the job may be started by the operation's second step (SendGrid: the contacts deletion after the erase job)
            String job = op.job() != null || op.then() == null ? op.job() : c.descriptor().operation(op.then()).job();
            // the operation's read-back, skipped at dispatch for people whose job was still running, runs after it
            return job == null ? null : VendorJobs.Tracking.status(job, op.readBack().isEmpty() ? null
                    : String.join(",", op.readBack()));
        }).orElse(null);
    }

    private static VendorJobs.Tracking tracking(Connector c, VerifyLater v) {
        return VendorJobs.Tracking.readBack(v.operation(), duration(c, v.after(), "after"),
                duration(c, v.every(), "every"), duration(c, v.until(), "until"));
    }

    private static Duration duration(Connector c, String value, String key) {
        try {
            return Duration.parse(c.resolve(value));
        } catch (RuntimeException e) {
            throw new InvalidConnectorException(List.of(c.id() + ": verifyLater." + key
                    + " must be an ISO-8601 duration such as PT10M"));
        }
    }
}
