package io.lethe.register;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The master keys a hub knows: the one that wraps new data keys ({@code current}), others that still unwrap
 * ({@code readable}), and the key of the identity lookup hashes, which never changes (hashes in the suppression
 * register cannot be recomputed). Read from the environment and the data directory:
 * <ul>
 * <li>{@code LETHE_ENCRYPTION_KEY} or {@code <data dir>/lethe.key}: the primary key;</li>
 * <li>{@code <data dir>/lethe.key.next}: written by {@code lethe keys rotate}; while present it is current and the
 * primary stays readable, so a running hub reads both during a rotation;</li>
 * <li>{@code LETHE_ENCRYPTION_KEY_PREVIOUS}: comma list of older keys, readable only;</li>
 * <li>{@code LETHE_LOOKUP_KEY} or {@code <data dir>/lookup.key}: the lookup-hash key once a rotation has written it;
 * before that it is derived from the primary key.</li>
 * </ul>
 */
public record MasterKeys(byte[] current, byte[] primary, List<byte[]> readable, byte[] lookupKey) {

    public static final String NEXT_FILE = "lethe.key.next";
    public static final String LOOKUP_FILE = "lookup.key";

    /** What the hub reads at start; generates the primary key on a first start (see {@link MasterKeySource}). */
    public static MasterKeys load(String configured, String previous, String lookup, Path dataDir) throws IOException {
        byte[] primary = MasterKeySource.load(configured, dataDir);
        return assemble(primary, previous, lookup, dataDir);
    }

    /** The same, for offline commands: never generates a key. */
    public static MasterKeys loadExisting(String configured, String previous, String lookup, Path dataDir)
            throws IOException {
        if ((configured == null || configured.isBlank()) && !Files.exists(dataDir.resolve("lethe.key"))) {
            throw new IOException("no master key: set LETHE_ENCRYPTION_KEY or LETHE_DATA_DIR as the hub has them");
        }
        return load(configured, previous, lookup, dataDir);
    }

    private static MasterKeys assemble(byte[] primary, String previous, String lookup, Path dataDir)
            throws IOException {
        List<byte[]> readable = new ArrayList<>();
        byte[] current = primary;
        Path next = dataDir.resolve(NEXT_FILE);
        if (Files.exists(next)) {
            current = decode(Files.readString(next).strip(), next.toString());
        }
        readable.add(current);
        if (current != primary) {
            readable.add(primary);
        }
        if (previous != null) {
            for (String p : previous.split(",")) {
                if (!p.isBlank()) {
                    readable.add(decode(p.strip(), "LETHE_ENCRYPTION_KEY_PREVIOUS"));
                }
            }
        }
        byte[] lookupKey;
        Path lookupFile = dataDir.resolve(LOOKUP_FILE);
        if (lookup != null && !lookup.isBlank()) {
            lookupKey = decode(lookup.strip(), "LETHE_LOOKUP_KEY");
        } else if (Files.exists(lookupFile)) {
            lookupKey = decode(Files.readString(lookupFile).strip(), lookupFile.toString());
        } else {
            lookupKey = KeyRing.deriveLookupKey(primary);
        }
        return new MasterKeys(current, primary, List.copyOf(readable), lookupKey);
    }

    static byte[] decode(String base64, String origin) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + " is not valid base64");
        }
        if (key.length != Aead.KEY_BYTES) {
            throw new IllegalArgumentException(origin + " must be the base64 of exactly 32 bytes (a 256-bit key)");
        }
        return key;
    }
}
