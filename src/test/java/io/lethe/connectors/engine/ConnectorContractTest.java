package io.lethe.connectors.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.lethe.connectors.Connector;
import io.lethe.connectors.ConnectorDescriptor;
import io.lethe.connectors.Connectors;
import io.lethe.connectors.Target;
import io.lethe.connectors.TargetOutcome;
import io.lethe.connectors.VendorContact;
import io.lethe.demo.sandbox.Behaviours;
import io.lethe.demo.sandbox.SandboxServer;
import io.lethe.demo.sandbox.VendorBehaviour;
import io.lethe.support.Addresses;
import io.lethe.support.HubTestSupport;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Driven by the connector files: for every shipped connector that has a vendor behaviour, every operation its file
 * declares runs against that vendor's sandbox (through the hub's own call routes), with realistic addresses, and the
 * engine must report each declared operation executed. A file that declares something the engine never runs, or an
 * operation the sandbox (the vendor) refuses, fails here.
 */
class ConnectorContractTest extends HubTestSupport {

    static final Map<String, SandboxServer> SANDBOXES = new LinkedHashMap<>();

    static {
        for (Map.Entry<String, Supplier<VendorBehaviour>> b : Behaviours.all().entrySet()) {
            if (Files.exists(Path.of("connectors", b.getKey() + ".yaml"))) {
                SANDBOXES.put(b.getKey(), SandboxServer.start(b.getValue().get()));
            }
        }
    }

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }

    @Override
    protected Properties extraProperties() {
        Properties p = new Properties();
        p.put("lethe.connectors", String.join(",", SANDBOXES.keySet()));
        SANDBOXES.forEach((id, s) -> p.putAll(s.behaviour().hubSettings(s.baseUrl())));
        return p;
    }

    @AfterAll
    static void stopSandboxes() {
        SANDBOXES.values().forEach(SandboxServer::close);
    }

    @TestFactory
    Stream<DynamicTest> every_declared_operation_runs_against_the_vendors_sandbox() {
        ConnectorEngine engine = context.getRegistry().lookupByNameAndType("connectorEngine", ConnectorEngine.class);
        assertThat(SANDBOXES).as("vendor behaviours with a connector file").isNotEmpty();
        return SANDBOXES.keySet().stream().map(id -> DynamicTest.dynamicTest(id, () -> exercise(engine, id)));
    }

    private void exercise(ConnectorEngine engine, String id) {
        Connector connector = connector(id);
        ConnectorDescriptor d = connector.descriptor();
        VendorBehaviour vendor = SANDBOXES.get(id).behaviour();
        List<String> emails = Addresses.realistic(3, id);
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < emails.size(); i++) {
            vendor.seed(emails.get(i), "ext-" + id + "-" + i);
        }
        for (int i = 0; i < emails.size(); i++) {
            targets.add(new Target(1000 + i, "subject-" + i, "opt_out", "email_marketing", List.of(emails.get(i)),
                    List.of("ext-" + id + "-" + i), Map.of("firstName", "Annemarie", "lastName", "Featherstonehaugh"),
                    "req-" + i, "GDPR"));
        }
        List<String> order = List.of("optOut", "optIn", "export", "rectify", "erase");
        for (String operation : order) {
            if (!d.declares(operation)) {
                continue;
            }
            String action = ConnectorEngine.actionOf(operation);
            List<Target> these = targets.stream().map(t -> new Target(t.commandId(), t.subjectId(), action, t.purpose(),
                    t.emails(), t.externalIds(), t.changes(), t.requestId(), t.regulation())).toList();
            List<TargetOutcome> outcomes = engine.run(connector, operation, these);
            assertThat(outcomes).as(id + " " + operation).hasSize(targets.size());
            assertThat(outcomes).as(id + " " + operation + " outcomes").noneMatch(o -> o.outcome().equals("rejected")
                    || o.outcome().equals("skipped") || o.outcome().equals("still_present"));
            // The job may be tracked by the operation's second step (SendGrid: the contacts deletion after the erase job).
            String then = d.operation(operation).then();
            String job = d.operation(operation).job() != null || then == null ? d.operation(operation).job()
                    : d.operation(then).job();
            if (job != null) {
                vendor.completeJobs();
                for (TargetOutcome o : outcomes) {
                    if (o.jobId() != null) {
                        assertThat(engine.pollJob(connector, job, o.jobId()).state()).isEqualTo(JobStatus.State.DONE);
                    }
                }
                // the operation's read-back runs once the job is done (what VendorJobs does): nobody left
                for (String readBack : d.operation(operation).readBack()) {
                    assertThat(engine.stillPresent(connector, readBack, these)).as(id + " " + readBack).isEmpty();
                }
            }
            // A deletion the vendor only queues is read back later: still found now, gone once the queue has run.
            var verifyLater = d.operation(operation).verifyLater();
            if (verifyLater != null) {
                assertThat(outcomes).as(id + " " + operation).allMatch(o -> o.outcome().equals("submitted"));
                assertThat(engine.stillPresent(connector, verifyLater.operation(), these)).hasSize(targets.size());
                vendor.completeJobs();
                assertThat(engine.stillPresent(connector, verifyLater.operation(), these)).isEmpty();
            }
        }
        if (d.declares("readState")) {
            String listed = Addresses.realistic(1, id + "-state").get(0);
            vendor.seed(listed, "ext-" + id + "-state");
            if (vendor instanceof io.lethe.demo.sandbox.IntercomBehaviour intercom) {
                intercom.unsubscribeFromEmails(listed);           // Intercom lists the unsubscribed only
            }
            List<VendorContact> seen = new ArrayList<>();
            engine.readState(connector, null, seen::addAll);
            assertThat(seen).as(id + " readState").isNotEmpty();
            if (!d.operation("readState").incrementalQuery().isEmpty()
                    || !d.operation("readState").incrementalBody().isEmpty()) {
                engine.readState(connector, Instant.now().minusSeconds(3600), page -> { });
            }
        }
        Set<String> declared = d.operations().keySet().stream().map(op -> id + "." + op).collect(Collectors.toSet());
        assertThat(engine.executed()).as("operations of connectors/" + id + ".yaml never executed")
                .containsAll(declared);
    }

    private Connector connector(String id) {
        return context.getRegistry().lookupByNameAndType("connectors", Connectors.class).enabled(id).orElseThrow();
    }
}
