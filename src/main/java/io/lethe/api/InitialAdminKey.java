package io.lethe.api;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

/**
 * When no API key is configured, the first start generates one admin key, prints it once (like an initial admin
 * password) and keeps only its SHA-256 under the data directory. Later starts reuse the stored hash. Revoking it
 * (DELETE /api/v1/api-keys/initial-admin, once another admin key exists) leaves {@code revoked} in the file, so it
 * is neither accepted nor generated again.
 */
public final class InitialAdminKey {

    static final String FILE_NAME = "admin-key.sha256";
    static final String NAME = "initial-admin";
    private static final String REVOKED = "revoked";

    private InitialAdminKey() {
    }

    public static ApiKeys configuredOrInitial(String configured, Path dataDir, PrintStream console) throws IOException {
        ApiKeys keys = ApiKeys.parse(configured);
        if (!keys.isEmpty()) {
            return keys;
        }
        Path hashFile = dataDir.resolve(FILE_NAME);
        if (!Files.exists(hashFile)) {
            String key = generate();
            Files.createDirectories(dataDir);
            try {
                Files.createFile(hashFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(hashFile);
            }
            Files.writeString(hashFile, ApiKeys.sha256Hex(key) + "\n");
            console.println();
            console.println("  Lethe: no LETHE_API_KEYS configured, so an initial admin API key was generated.");
            console.println("  It is shown only this once; only its SHA-256 is kept in " + hashFile + ".");
            console.println();
            console.println("      " + key);
            console.println();
            console.println("  Use it as:  Authorization: Bearer <key>");
            console.println();
        }
        String stored = Files.readString(hashFile).strip();
        if (stored.startsWith(REVOKED)) {
            return keys;
        }
        ApiKeys.parse(NAME + ":admin:" + stored); // same checks as a configured key
        return keys.withInitial(NAME, stored.toLowerCase(), hashFile);
    }

    static void revoke(Path hashFile, Instant at) throws IOException {
        Files.writeString(hashFile, REVOKED + " " + at + "\n", StandardOpenOption.TRUNCATE_EXISTING);
    }

    static String generate() {
        return ApiKeys.generate();
    }
}
