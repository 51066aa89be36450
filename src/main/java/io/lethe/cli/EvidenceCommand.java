package io.lethe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.lethe.audit.AuditKey;
import io.lethe.config.Settings;
import io.lethe.db.Database;
import io.lethe.evidence.DatabaseCheck;
import io.lethe.evidence.EvidenceVerifier;
import io.lethe.evidence.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lethe evidence verify FILE}: does a signed evidence bundle or consent receipt hold. */
@Command(name = "evidence", description = "Signed evidence bundles and consent receipts.",
        subcommands = EvidenceCommand.Verify.class)
final class EvidenceCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check an evidence bundle (GET /api/v1/subjects/{id}/evidence, /requests/{id}/evidence) or a"
                    + " consent receipt (GET /api/v1/consents/{eventId}/receipt).",
                "Offline (--jwks): the signature against the published key set (a saved GET /api/v1/signing-keys),"
                    + " the checkpoint's signature, that every sync-log entry is covered by the checkpoint and that"
                    + " the entries hang together. It cannot recompute the keyed chain or look into the register.",
                "With --database (run where the hub runs, with its settings and audit key): also recomputes the"
                    + " whole sync log against the bundle's checkpoint and compares every entry and consent event"
                    + " with the register.",
                "Prints one line per check (no personal data); exit 0 all checks passed, 1 a check failed, 3 could"
                    + " not check."})
    static final class Verify implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the bundle or receipt (.jws)")
        Path file;

        @Option(names = "--jwks", paramLabel = "FILE", description = "the hub's key set, GET /api/v1/signing-keys")
        Path jwks;

        @Option(names = "--database", description = "also check against the register (the hub's settings)")
        boolean database;

        @Option(names = "-D", paramLabel = "SETTING=VALUE", description = "override a setting, e.g. -Dlethe.db.url=…")
        Map<String, String> overrides = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            if (jwks == null && !database) {
                throw new ParameterException(spec.commandLine(), "give the hub's key set (--jwks FILE, a saved"
                        + " GET /api/v1/signing-keys) or check against the register (--database)");
            }
            String document = Files.readString(file);
            Map<String, PublicKey> keys = new LinkedHashMap<>();
            if (jwks != null) {
                keys.putAll(SigningKeys.parseJwks(JSON.readTree(Files.readString(jwks))));
            }
            EvidenceVerifier.Report report;
            if (database) {
                Settings settings = CliSettings.load(overrides);
                AuditKey auditKey = AuditKey.loadExisting(settings.optional("lethe.audit.key"),
                        Path.of(settings.get("lethe.data-dir")));
                SigningKeys hub = new SigningKeys(auditKey);
                // With the hub at hand its own key decides: a supplied key set cannot shadow it under the same kid.
                PublicKey supplied = keys.put(hub.currentKid(), hub.currentKey());
                if (supplied != null && !supplied.equals(hub.currentKey())) {
                    spec.commandLine().getErr().println("The key set's key " + hub.currentKid()
                            + " is not the hub's: the hub's key is used.");
                }
                report = EvidenceVerifier.offline(document, keys);
                try (HikariDataSource ds = Database.open(settings.get("lethe.db.url"), settings.get("lethe.db.user"),
                        settings.optional("lethe.db.password"), 2)) {
                    new DatabaseCheck(ds, auditKey, Clock.systemUTC()).check(report);
                }
            } else {
                report = EvidenceVerifier.offline(document, keys);
            }
            PrintWriter out = spec.commandLine().getOut();
            report.checks().forEach(out::println);
            out.flush();
            if (!report.passed()) {
                spec.commandLine().getErr().println("lethe: " + file.getFileName() + " does NOT verify (see the"
                        + " failed check above)");
                return ExitCodes.VERIFICATION_FAILED;
            }
            boolean partial = report.checks().stream()
                    .anyMatch(c -> c.outcome() == EvidenceVerifier.Outcome.NOT_CHECKED);
            spec.commandLine().getErr().println("lethe: " + file.getFileName() + " verifies"
                    + (partial ? " offline; the checks marked \"not checked\" need --database" : ""));
            return ExitCodes.OK;
        }
    }
}
