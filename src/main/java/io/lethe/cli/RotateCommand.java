package io.lethe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.config.Settings;
import io.lethe.db.Database;
import io.lethe.register.KeyCheck;
import io.lethe.register.KeyRing;
import io.lethe.register.KeyRotation;
import io.lethe.register.MasterKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe keys rotate}: a new master key, every subject's data key re-wrapped under it, the hub running
 * throughout. The new key is written to {@code <data dir>/lethe.key.next} (mode 600) first, where running hubs pick
 * it up within a second; it is never printed or logged. Run again after an interruption: it resumes with that file.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {"Generate a new master key and re-wrap every subject's data key under it, in batches, while the"
                + " hub runs. Run it where the hub runs (same settings, same data directory).",
            "Key files (data directory, mode 600): lethe.key.next (the new key, until installed), lookup.key (the"
                + " identity lookup-hash key, which must never change), lethe.key.retired-<id> (the old key).",
            "With lethe.key in the data directory the new key is installed there at the end. With LETHE_ENCRYPTION_KEY"
                + " set, install it yourself: LETHE_ENCRYPTION_KEY from lethe.key.next, LETHE_LOOKUP_KEY from"
                + " lookup.key, restart, then delete both files."})
final class RotateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--batch-size", defaultValue = "500", description = "data keys per transaction (${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "-D", paramLabel = "SETTING=VALUE", description = "override a setting, e.g. -Dlethe.db.url=…")
    Map<String, String> overrides = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings = CliSettings.load(overrides);
        Path dataDir = Path.of(settings.get("lethe.data-dir"));
        String primary = settings.optional("lethe.encryption-key");
        String previous = settings.optional("lethe.encryption-key-previous");
        String lookup = settings.optional("lethe.lookup-key");

        MasterKeys before = MasterKeys.loadExisting(primary, previous, lookup, dataDir);
        Path lookupFile = dataDir.resolve(MasterKeys.LOOKUP_FILE);
        if (lookup.isBlank() && !Files.exists(lookupFile)) {
            KeyRotation.writeSecret(lookupFile, before.lookupKey());
        }
        Path next = dataDir.resolve(MasterKeys.NEXT_FILE);
        if (Files.exists(next)) {
            out.println("Resuming the rotation to the key in " + next);
        } else {
            KeyRotation.writeSecret(next, KeyRotation.newMasterKey());
        }
        MasterKeys during = MasterKeys.loadExisting(primary, previous, lookup, dataDir);
        KeyRing keys = new KeyRing(() -> during);
        out.println("Re-wrapping every data key under the new master key " + keys.currentKeyId());
        try (HikariDataSource ds = Database.open(settings.get("lethe.db.url"), settings.get("lethe.db.user"),
                settings.optional("lethe.db.password"), 2)) {
            KeyCheck.verifyOrRecord(ds, keys);
            KeyRotation rotation = new KeyRotation(ds, keys, batchSize, Duration.ofSeconds(2), out);
            long done = rotation.run();
            if (!rotation.unreadable().isEmpty()) {
                spec.commandLine().getErr().println("lethe: " + rotation.unreadable().size() + " data keys open with"
                        + " no known master key (first: subject " + rotation.unreadable().iterator().next()
                        + "); the new key is not installed. Add the missing key to LETHE_ENCRYPTION_KEY_PREVIOUS and"
                        + " run again.");
                return ExitCodes.FAILURE;
            }
            out.println("Done: " + done + " data keys re-wrapped; every data key is under " + keys.currentKeyId() + ".");
        }
        if (primary.isBlank()) {
            Path current = dataDir.resolve("lethe.key");
            Path retired = dataDir.resolve("lethe.key.retired-" + KeyRing.keyId(before.primary()));
            Files.copy(current, retired, StandardCopyOption.COPY_ATTRIBUTES);
            // Atomic: a hub re-reading its keys sees the old file or the new one, never none.
            Files.move(next, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            out.println("Installed the new key as " + current + "; the old one is " + retired + " (keep it offline"
                    + " for backups made before now, or destroy it). Keep " + lookupFile + ".");
        } else {
            out.println("Now install the new key: LETHE_ENCRYPTION_KEY from " + next
                    + (lookup.isBlank() ? ", LETHE_LOOKUP_KEY from " + lookupFile : "")
                    + "; restart the hub, then delete " + (lookup.isBlank() ? "both files" : next) + ".");
        }
        return ExitCodes.OK;
    }
}
