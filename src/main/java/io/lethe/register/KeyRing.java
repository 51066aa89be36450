package io.lethe.register;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The register's keys, all derived from the master key (and kept through its rotation).
 * <ul>
 * <li>Each subject has its own random data key; personal data (identities, evidence) is sealed with it.
 * The data key is stored wrapped by the master key, so destroying the wrapped key crypto-shreds the
 * subject.</li>
 * <li>Identities are found through keyed HMAC-SHA256 lookup hashes: equal values give equal hashes, and
 * without the master key a hash reveals nothing (not even for guessable e-mail addresses).</li>
 * </ul>
 */
public final class KeyRing {

    private static final byte[] LOOKUP_KEY_LABEL = "lethe/lookup-hash/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY_ID_LABEL = "lethe/key-id/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LOOKUP_CHECK_LABEL = "lethe/lookup-check/v1".getBytes(StandardCharsets.UTF_8);
    private static final java.time.Duration REFRESH = java.time.Duration.ofSeconds(1);
    private static final HexFormat HEX = HexFormat.of();

    private final java.util.concurrent.Callable<MasterKeys> source;
    private final ThreadLocal<Mac> lookupMac;
    private final String lookupCheck;
    /** Root of the hub's own derived keys: the lookup-hash key, which a master-key rotation never changes. */
    private final SecretKeySpec derivationRoot;
    private volatile SecretKey current;
    private volatile String currentId;
    // Every master key seen since start, by id: a key once readable stays readable while the hub runs.
    private final java.util.Map<String, SecretKey> readable = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long nextRefresh;

    public KeyRing(byte[] masterKey) {
        this(() -> new MasterKeys(masterKey, masterKey, java.util.List.of(masterKey), deriveLookupKey(masterKey)));
    }

    /**
     * Keys from {@code source}, read again at most once a second when a new data key is made or a wrapped one opens
     * with none of the known keys: that is how a running hub picks up the key {@code lethe keys rotate} writes.
     */
    public KeyRing(java.util.concurrent.Callable<MasterKeys> source) {
        this.source = source;
        MasterKeys keys = read();
        SecretKeySpec lookupKeySpec = new SecretKeySpec(keys.lookupKey(), "HmacSHA256");
        this.lookupMac = ThreadLocal.withInitial(() -> newMac(lookupKeySpec));
        this.lookupCheck = HEX.formatHex(hmac(lookupKeySpec, LOOKUP_CHECK_LABEL));
        this.derivationRoot = lookupKeySpec;
        apply(keys);
    }

    /** The lookup-hash key of a register whose first master key is {@code masterKey}. */
    static byte[] deriveLookupKey(byte[] masterKey) {
        // Separate key for hashing, so the wrapping key is never used for two purposes.
        return hmac(new SecretKeySpec(Aead.key(masterKey).getEncoded(), "HmacSHA256"), LOOKUP_KEY_LABEL);
    }

    /** A key's public name: the first 8 bytes of an HMAC under it, in hex (tells nothing about the key). */
    public static String keyId(byte[] masterKey) {
        return HEX.formatHex(hmac(new SecretKeySpec(masterKey, "HmacSHA256"), KEY_ID_LABEL), 0, 8);
    }

    /** The id of the key new data keys are wrapped with. */
    public String currentKeyId() {
        refreshIfDue();
        return currentId;
    }

    /** Check value of the lookup-hash key (an HMAC of a fixed label): equal values mean the same key. */
    public String lookupCheck() {
        return lookupCheck;
    }

    /** A fresh random data key for a new subject: usable now, and wrapped for storage. */
    public DataKey newDataKey(String subjectId) {
        refreshIfDue();
        byte[] raw = Aead.randomKey();
        return new DataKey(Aead.seal(current, raw, bytes(subjectId)), new SubjectKey(Aead.key(raw)));
    }

    /** The subject's data key, for sealing and opening that subject's personal data. */
    public SubjectKey unwrap(String subjectId, byte[] wrappedDataKey) {
        return new SubjectKey(Aead.key(unwrapRaw(subjectId, wrappedDataKey)));
    }

    /** Wraps a data key again with the current master key (rotation); the data key itself does not change. */
    public byte[] rewrap(String subjectId, byte[] wrappedDataKey) {
        byte[] raw = unwrapRaw(subjectId, wrappedDataKey);
        return Aead.seal(current, raw, bytes(subjectId));
    }

    /** True when the current master key wraps this data key already. */
    public boolean wrapsWithCurrent(String subjectId, byte[] wrappedDataKey) {
        try {
            Aead.open(current, wrappedDataKey, bytes(subjectId));
            return true;
        } catch (IllegalStateException otherKey) {
            return false;
        }
    }

    private byte[] unwrapRaw(String subjectId, byte[] wrapped) {
        byte[] raw = tryUnwrap(subjectId, wrapped);
        if (raw == null) {
            refresh();
            raw = tryUnwrap(subjectId, wrapped);
        }
        if (raw == null) {
            throw new IllegalStateException("decryption failed: no known master key opens this data key");
        }
        return raw;
    }

    private byte[] tryUnwrap(String subjectId, byte[] wrapped) {
        SecretKey first = current;
        try {
            return Aead.open(first, wrapped, bytes(subjectId));
        } catch (IllegalStateException notThisKey) {
            // try the others
        }
        for (SecretKey key : readable.values()) {
            if (key == first) {
                continue;
            }
            try {
                return Aead.open(key, wrapped, bytes(subjectId));
            } catch (IllegalStateException notThisKey) {
                // next
            }
        }
        return null;
    }

    private void refreshIfDue() {
        if (System.nanoTime() - nextRefresh > 0) {
            refresh();
        }
    }

    private synchronized void refresh() {
        if (System.nanoTime() - nextRefresh < 0) {
            return;
        }
        try {
            apply(source.call());
        } catch (Exception unreadable) {
            // Keep the keys already known; the source is re-read at the next refresh.
        }
    }

    private MasterKeys read() {
        try {
            return source.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the master keys cannot be read", e);
        }
    }

    private synchronized void apply(MasterKeys keys) {
        for (byte[] k : keys.readable()) {
            readable.putIfAbsent(keyId(k), Aead.key(k));
        }
        String id = keyId(keys.current());
        readable.putIfAbsent(id, Aead.key(keys.current()));
        current = readable.get(id);
        currentId = id;
        nextRefresh = System.nanoTime() + REFRESH.toNanos();
    }

    /**
     * A key of the hub's own for one use (such as {@code mail-outbox}): for personal data that is not one subject's
     * alone or must outlive a crypto-shred, e.g. the completion mail of an erasure. Derived under a label (HMAC as a
     * KDF keeps the uses apart) from the lookup-hash key, which a master-key rotation never changes, so what it sealed
     * stays readable across a rotation.
     */
    public SubjectKey derivedKey(String use) {
        return new SubjectKey(Aead.key(hmac(derivationRoot, bytes("lethe/derived/" + use + "/v1"))));
    }

    /** Keyed hash of a normalised identity; {@code kind} keeps an e-mail and an external id with equal text apart. */
    public String lookupHash(IdentityKind kind, String normalisedValue) {
        Mac mac = lookupMac.get();
        mac.update(bytes(kind.name()));
        mac.update((byte) 0);
        return HEX.formatHex(mac.doFinal(bytes(normalisedValue)));
    }

    static byte[] hmac(SecretKeySpec key, byte[] data) {
        return newMac(key).doFinal(data);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A new subject's data key, in both forms. */
    public record DataKey(byte[] wrapped, SubjectKey key) {
    }

    /** One subject's unwrapped data key (also the mail queue's seal, through {@link #derivedKey}). */
    public static final class SubjectKey implements io.lethe.notify.MailOutbox.Seal {
        private final SecretKey key;

        SubjectKey(SecretKey key) {
            this.key = key;
        }

        @Override
        public byte[] seal(String plaintext, String boundTo) {
            return Aead.seal(key, bytes(plaintext), bytes(boundTo));
        }

        @Override
        public String open(byte[] sealed, String boundTo) {
            return new String(Aead.open(key, sealed, bytes(boundTo)), StandardCharsets.UTF_8);
        }
    }
}
