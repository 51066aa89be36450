package io.lethe.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.lethe.audit.AuditChain;
import io.lethe.audit.AuditKey;
import io.lethe.audit.Checkpoint;
import io.lethe.audit.SyncLog;
import io.lethe.audit.Verdict;
import io.lethe.config.Settings;
import io.lethe.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lethe audit verify --checkpoint FILE}: is the sync log intact, and does it still hold what a checkpoint says. */
@Command(name = "audit", description = "The tamper-evident sync log.", subcommands = AuditCommand.Verify.class)
final class AuditCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Recompute every vendor's chain and compare it with an exported checkpoint file"
                    + " (GET /api/v1/audit/checkpoint).",
                "Without --url: reads the register directly, with the hub's settings and audit key (run it where the"
                    + " hub runs; an embedded H2 register must not be open in a running hub).",
                "With --url: asks that running hub (POST /api/v1/audit/verify) with an admin or compliance key.",
                "Prints the verdict as JSON; exit 0 valid, 1 not valid, 3 could not check."})
    static final class Verify implements Callable<Integer> {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        CommandSpec spec;

        @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "an exported checkpoint")
        Path checkpoint;

        @Option(names = "--url", paramLabel = "URL", description = "the running hub, e.g. http://localhost:8080")
        URI url;

        @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:LETHE_KEY}",
                description = "API key for --url (default: $LETHE_KEY)")
        String key;

        @Option(names = "-D", paramLabel = "SETTING=VALUE", description = "override a setting, e.g. -Dlethe.db.url=…")
        Map<String, String> overrides = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            String document = Files.readString(checkpoint);
            JsonNode verdict = url == null ? local(document) : remote(document);
            spec.commandLine().getOut().println(verdict.toString());
            return verdict.path("valid").asBoolean() ? ExitCodes.OK : ExitCodes.VERIFICATION_FAILED;
        }

        private JsonNode local(String document) throws Exception {
            Checkpoint parsed = Checkpoint.parse(JSON.readTree(document));
            Settings settings = CliSettings.load(overrides);
            Path dataDir = Path.of(settings.get("lethe.data-dir"));
            AuditKey auditKey = AuditKey.loadExisting(settings.optional("lethe.audit.key"), dataDir);
            try (HikariDataSource ds = Database.open(settings.get("lethe.db.url"), settings.get("lethe.db.user"),
                    settings.optional("lethe.db.password"), 2)) {
                AuditChain chain = new AuditChain(ds, new SyncLog(ds, Clock.systemUTC(), auditKey), auditKey,
                        Clock.systemUTC());
                Verdict verdict = chain.verify(parsed);
                return JSON.valueToTree(verdict.toJson());
            }
        }

        private JsonNode remote(String document) throws Exception {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("--url needs an API key: --key or LETHE_KEY");
            }
            HttpRequest request = HttpRequest.newBuilder(url.resolve("/api/v1/audit/verify"))
                    .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(document))
                    .build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the hub answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        }
    }
}
