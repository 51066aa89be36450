package io.lethe.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import io.lethe.api.ApiKeys;
import io.lethe.api.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code lethe keys …}: API keys for {@code LETHE_API_KEYS}, and the master key's rotation. */
@Command(name = "keys", description = "API keys and the master key.",
        subcommands = {KeysCommand.NewKey.class, KeysCommand.Hash.class, RotateCommand.class})
final class KeysCommand {

    /** {@code name:role:} of a LETHE_API_KEYS entry, both checked. */
    static String entryPrefix(CommandSpec spec, String name, String role) {
        if (name == null || !ApiKeys.isValidName(name)) {
            throw new ParameterException(spec.commandLine(), "--name must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        Role r = Role.ofWire(role == null ? "" : role).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--role must be admin, intake, marketer or compliance"));
        return name + ":" + r.wire() + ":";
    }

    @Command(name = "new", mixinStandardHelpOptions = true,
            description = "Generate an API key; prints the key and its LETHE_API_KEYS entry (only the entry goes"
                    + " into the hub's settings).")
    static final class NewKey implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--name", required = true, description = "the key's name (1-64 of A-Z a-z 0-9 . _ -)")
        String name;

        @Option(names = "--role", required = true, description = "admin, intake, marketer or compliance")
        String role;

        @Override
        public Integer call() {
            String entry = entryPrefix(spec, name, role);
            String key = ApiKeys.generate();
            spec.commandLine().getOut().println("key:   " + key);
            spec.commandLine().getOut().println("entry: " + entry + ApiKeys.sha256Hex(key));
            return ExitCodes.OK;
        }
    }

    @Command(name = "hash", mixinStandardHelpOptions = true,
            description = "Read an API key from standard input (first line) and print its SHA-256 as LETHE_API_KEYS"
                    + " wants it; with --name and --role, the whole entry.")
    static final class Hash implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--name", description = "the key's name")
        String name;

        @Option(names = "--role", description = "admin, intake, marketer or compliance")
        String role;

        @Override
        public Integer call() throws Exception {
            String key = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (key == null || key.strip().isEmpty()) {
                throw new ParameterException(spec.commandLine(),
                        "give the key on standard input, e.g. printf %s \"$KEY\" | lethe keys hash");
            }
            String prefix = "";
            if (name != null || role != null) {
                prefix = entryPrefix(spec, name, role);
            }
            spec.commandLine().getOut().println(prefix + ApiKeys.sha256Hex(key.strip()));
            return ExitCodes.OK;
        }
    }
}
