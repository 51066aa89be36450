package io.lethe.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.lethe.register.RegisterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's API keys: those of {@code LETHE_API_KEYS} (read-only here), the initial admin key (its hash file), and
 * keys an admin created through the API (table {@code api_key}). Only SHA-256 hashes are known to the hub; a
 * presented key is hashed and compared in constant time against every hash, so timing tells nothing about which key
 * came close. Stored keys are re-read every {@link #REFRESH}, so a revocation on any node holds everywhere within it;
 * a key's last use is written at most once per {@link #LAST_USED_PRECISION}, not on every request.
 */
public final class ApiKeys {

    static final Duration REFRESH = Duration.ofSeconds(2);
    static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    private static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where a key is defined, which decides who can revoke it. */
    public enum Source {
        ENV, INITIAL, API;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a revocation did. */
    public enum Revocation {
        REVOKED, NOT_FOUND, LAST_ADMIN, CONFIGURED
    }

    /** A key as the list shows it. */
    public record KeyInfo(String name, Role role, Source source, Instant createdAt, Instant lastUsedAt) {
    }

    private final List<Entry> configured;
    private volatile Entry initial;
    private Path initialHashFile;
    private ApiKeyStore store;
    private Clock clock = Clock.systemUTC();
    private volatile List<Entry> stored = List.of();
    private volatile Instant storedAt = Instant.MIN;
    private final Object reloading = new Object();
    private final Map<String, Instant> lastUsed = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastWritten = new ConcurrentHashMap<>();

    private ApiKeys(List<Entry> configured) {
        this.configured = List.copyOf(configured);
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
            entries.add(new Entry(new Principal(parts[0], role), HexFormat.of().parseHex(hash), Source.ENV, null));
        }
        return new ApiKeys(entries);
    }

    /** Adds the initial admin key, whose hash is kept in {@code hashFile}. */
    ApiKeys withInitial(String name, String hashHex, Path hashFile) {
        this.initial = new Entry(new Principal(name, Role.ADMIN), HexFormat.of().parseHex(hashHex), Source.INITIAL,
                null);
        this.initialHashFile = hashFile;
        return this;
    }

    /** Adds the keys created through the API. */
    public ApiKeys withStore(ApiKeyStore keyStore, Clock time) {
        this.store = keyStore;
        this.clock = time;
        return this;
    }

    public boolean isEmpty() {
        return configured.isEmpty() && initial == null;
    }

    public Optional<Principal> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey);
        Entry match = null;
        for (Entry entry : everyKey(false)) { // no early exit: every entry is compared
            if (MessageDigest.isEqual(entry.hash, presented) && match == null) {
                match = entry;
            }
        }
        if (match == null) {
            return Optional.empty();
        }
        noteUse(match);
        return Optional.of(match.principal);
    }

    /** The key this principal signed in with is still defined with the same role (not revoked since). */
    public boolean isCurrent(Principal principal) {
        return everyKey(false).stream().anyMatch(e -> e.principal.equals(principal));
    }

    public List<KeyInfo> list() {
        List<KeyInfo> keys = new ArrayList<>();
        for (Entry e : everyKey(true)) {
            Instant used = lastUsed.get(e.principal.keyName());
            if (e.storedLastUse != null && (used == null || e.storedLastUse.isAfter(used))) {
                used = e.storedLastUse;
            }
            keys.add(new KeyInfo(e.principal.keyName(), e.principal.role(), e.source, e.createdAt, used));
        }
        keys.sort(Comparator.comparing(KeyInfo::name));
        return keys;
    }

    /** A new stored key; the key itself is returned only here. Empty when the name is taken. */
    public Optional<String> create(String name, Role role, String createdBy) {
        if (store == null || everyKey(true).stream().anyMatch(e -> e.principal.keyName().equals(name))) {
            return Optional.empty();
        }
        String key = generate();
        if (!store.insert(name, role, sha256Hex(key), clock.instant(), createdBy)) {
            return Optional.empty();
        }
        storedAt = Instant.MIN;
        return Optional.of(key);
    }

    /** Revokes a stored key or the initial admin key; never the last admin key, never one of LETHE_API_KEYS. */
    public Revocation revoke(String name) throws IOException {
        if (configured.stream().anyMatch(e -> e.principal.keyName().equals(name))) {
            return Revocation.CONFIGURED;
        }
        long configuredAdmins = configured.stream().filter(e -> e.principal.role() == Role.ADMIN).count();
        Entry first = initial;
        Revocation outcome;
        if (first != null && first.principal.keyName().equals(name)) {
            int storedAdmins;
            try {
                storedAdmins = store == null ? 0 : store.countAdmins();
            } catch (SQLException e) {
                throw new RegisterException("counting admin keys failed", e);
            }
            if (configuredAdmins + storedAdmins < 1) {
                return Revocation.LAST_ADMIN;
            }
            InitialAdminKey.revoke(initialHashFile, clock.instant());
            initial = null;
            outcome = Revocation.REVOKED;
        } else if (store == null) {
            return Revocation.NOT_FOUND;
        } else {
            outcome = switch (store.delete(name, (int) configuredAdmins + (first == null ? 0 : 1))) {
                case REVOKED -> Revocation.REVOKED;
                case NOT_FOUND -> Revocation.NOT_FOUND;
                case LAST_ADMIN -> Revocation.LAST_ADMIN;
            };
        }
        storedAt = Instant.MIN;
        lastUsed.remove(name);
        lastWritten.remove(name);
        return outcome;
    }

    private List<Entry> everyKey(boolean fresh) {
        refreshStored(fresh);
        List<Entry> all = new ArrayList<>(configured);
        Entry first = initial;
        if (first != null) {
            all.add(first);
        }
        all.addAll(stored);
        return all;
    }

    private void refreshStored(boolean force) {
        if (store == null || (!force && storedAt.plus(REFRESH).isAfter(clock.instant()))) {
            return;
        }
        synchronized (reloading) {
            if (!force && storedAt.plus(REFRESH).isAfter(clock.instant())) {
                return;
            }
            try {
                List<Entry> fresh = new ArrayList<>();
                for (ApiKeyStore.StoredKey k : store.all()) {
                    fresh.add(new Entry(new Principal(k.name(), k.role()), HexFormat.of().parseHex(k.hashHex()),
                            Source.API, k.createdAt(), k.lastUsedAt()));
                }
                stored = List.copyOf(fresh);
            } catch (SQLException | RuntimeException e) {
                // Register unreachable (or not migrated yet): keep the keys last read; health reports the register.
                LOG.debug("API keys could not be re-read from the register", e);
            }
            storedAt = clock.instant();
        }
    }

    private void noteUse(Entry entry) {
        Instant now = clock.instant();
        String name = entry.principal.keyName();
        lastUsed.put(name, now);
        if (entry.source != Source.API) {
            return;
        }
        Instant written = lastWritten.get(name);
        if (written == null || written.plus(LAST_USED_PRECISION).isBefore(now)) {
            lastWritten.put(name, now);
            try {
                store.touch(name, now);
            } catch (RegisterException e) {
                LOG.debug("last use of an API key not recorded", e);
            }
        }
    }

    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /** A new random key: {@code lethe_} and 43 URL-safe characters (256 bits). */
    public static String generate() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return "lethe_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
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

    private record Entry(Principal principal, byte[] hash, Source source, Instant createdAt, Instant storedLastUse) {
        Entry(Principal principal, byte[] hash, Source source, Instant createdAt) {
            this(principal, hash, source, createdAt, null);
        }
    }
}
