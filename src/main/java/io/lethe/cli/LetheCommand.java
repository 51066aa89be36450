package io.lethe.cli;

import java.util.concurrent.Callable;

import io.lethe.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lethe [command]}: the hub's own command line. Without a command it serves, as {@code java -jar} always did. */
@Command(name = "lethe", mixinStandardHelpOptions = true, versionProvider = LetheCommand.Version.class,
        description = "Lethe: the GDPR/CCPA consent and erasure hub. Without a command, runs the hub (serve).",
        subcommands = {KeysCommand.class, AuditCommand.class, EvidenceCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nSettings (environment variables; defaults in config/application.properties):%n",
        footer = {
            "  LETHE_HTTP_PORT        API and health port (8080)",
            "  LETHE_DATA_DIR         generated keys, the H2 register (./data)",
            "  LETHE_DB_URL           register JDBC URL; LETHE_DB_USER, LETHE_DB_PASSWORD",
            "  LETHE_ENCRYPTION_KEY   base64 master key (else <data dir>/lethe.key)",
            "  LETHE_AUDIT_KEY        base64 sync-log key (else <data dir>/audit.key)",
            "  LETHE_API_KEYS         name:role:sha256hex,... (else a printed admin key)",
            "  LETHE_CONNECTORS       enabled connectors: hubspot,mailchimp,salesforce",
            "  LETHE_SMTP_URL         outgoing mail; LETHE_DPO_EMAIL, LETHE_IMAP_URL",
            "  Every key of config/application.properties can be set this way",
            "  (upper-cased, '.' and '-' as '_'); see README.md, Configuration.",
            "",
            "Exit codes:",
            "  0  done (audit verify: the log is intact and matches the checkpoint;",
            "     evidence verify: every check passed)",
            "  1  verification failed (broken, truncated, or checkpoint not genuine;",
            "     evidence verify: a check failed)",
            "  2  usage error (unknown command or option, missing argument)",
            "  3  could not do the work (settings, file, database or hub unreachable)"})
public final class LetheCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        return Main.serve(false);
    }

    @Command(name = "serve", description = "Run the hub (the default).")
    int serve() throws Exception {
        return Main.serve(false);
    }

    @Command(name = "demo", description = "Run the hub with HubSpot, Mailchimp and Salesforce sandboxes on loopback"
            + " (register under ./data/demo; prints an admin key).")
    int demo() throws Exception {
        return Main.serve(true);
    }

    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LetheCommand());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("lethe: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return ExitCodes.FAILURE;
        });
        return cli;
    }

    /** The version the jar was built as (its manifest). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LetheCommand.class.getPackage().getImplementationVersion();
            return new String[] {"lethe " + (version == null ? "(development build)" : version)};
        }
    }
}
