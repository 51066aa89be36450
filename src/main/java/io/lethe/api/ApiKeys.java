package io.lethe.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured API keys. Only SHA-256 hashes are known to the hub; a presented key is hashed and compared in
 * constant time against every configured hash, so timing tells nothing about which key came close.
 */
public final class ApiKeys {

    private static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Parses {@code name:role:sha256hex,...}; refuses the whole list if any entry is malformed. */
    public static ApiKeys parse(String spec) {
        List<Entry> entries = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            return new ApiKeys(entries);
        }
        int position = 0;
        for (String raw : spec.split(",")) {
            position++;
            String item = raw.strip();
            if (item.isEmpty()) {
                continue;
            }
            String[] parts = item.split(":", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("LETHE_API_KEYS entry " + position + " must be name:role:sha256hex");
            }
            if (!NAME.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException("LETHE_API_KEYS entry " + position + ": name must be 1-64 of A-Z a-z 0-9 . _ -");
            }
            Role role = Role.ofWire(parts[1]).orElse(null);
            if (role == null) {
                throw new IllegalArgumentException("LETHE_API_KEYS entry " + position
                        + ": role must be one of admin, intake, marketer, compliance");
            }
            String hash = parts[2].toLowerCase();
            if (!SHA256_HEX.matcher(hash).matches()) {
                throw new IllegalArgumentException("LETHE_API_KEYS entry " + position
                        + ": the third part must be the SHA-256 of the key, as 64 hex digits");
            }
            entries.add(new Entry(new Principal(parts[0], role), HexFormat.of().parseHex(hash)));
        }
        return new ApiKeys(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<Principal> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey);
        Principal match = null;
        for (Entry entry : entries) { // no early exit: every entry is compared
            if (MessageDigest.isEqual(entry.hash, presented) && match == null) {
                match = entry.principal;
            }
        }
        return Optional.ofNullable(match);
    }

    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** A new random key: {@code lethe_} and 43 URL-safe characters (256 bits). */
    public static String generate() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return "lethe_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private record Entry(Principal principal, byte[] hash) {
    }
}
