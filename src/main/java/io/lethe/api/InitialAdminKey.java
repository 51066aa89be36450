package io.lethe.api;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * When no API key is configured, the first start generates one admin key, prints it once (like an initial admin
 * password) and keeps only its SHA-256 under the data directory. Later starts reuse the stored hash.
 */
public final class InitialAdminKey {

    static final String FILE_NAME = "admin-key.sha256";

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
        return ApiKeys.parse("initial-admin:admin:" + Files.readString(hashFile).strip());
    }

    static String generate() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return "lethe_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
