package io.lethe.register;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The register's keys, all derived from the one master key.
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
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKey masterKey;
    private final ThreadLocal<Mac> lookupMac;

    public KeyRing(byte[] masterKey) {
        this.masterKey = Aead.key(masterKey);
        // Separate key for hashing, so the wrapping key is never used for two purposes.
        byte[] lookupKey = hmac(new SecretKeySpec(masterKey, "HmacSHA256"), LOOKUP_KEY_LABEL);
        SecretKeySpec lookupKeySpec = new SecretKeySpec(lookupKey, "HmacSHA256");
        this.lookupMac = ThreadLocal.withInitial(() -> newMac(lookupKeySpec));
    }

    /** A fresh random data key for a new subject: usable now, and wrapped for storage. */
    public DataKey newDataKey(String subjectId) {
        byte[] raw = Aead.randomKey();
        return new DataKey(Aead.seal(masterKey, raw, bytes(subjectId)), new SubjectKey(Aead.key(raw)));
    }

    /** The subject's data key, for sealing and opening that subject's personal data. */
    public SubjectKey unwrap(String subjectId, byte[] wrappedDataKey) {
        return new SubjectKey(Aead.key(Aead.open(masterKey, wrappedDataKey, bytes(subjectId))));
    }

    /**
     * A key of the hub's own for one use (such as {@code mail-outbox}), derived from the master key: for personal data
     * that is not one subject's alone or must outlive a crypto-shred, e.g. the completion mail of an erasure.
     */
    public SubjectKey derivedKey(String use) {
        return new SubjectKey(Aead.key(hmac(new SecretKeySpec(masterKey.getEncoded(), "HmacSHA256"),
                bytes("lethe/derived/" + use + "/v1"))));
    }

    /** Keyed hash of a normalised identity; {@code kind} keeps an e-mail and an external id with equal text apart. */
    public String lookupHash(IdentityKind kind, String normalisedValue) {
        Mac mac = lookupMac.get();
        mac.update(bytes(kind.name()));
        mac.update((byte) 0);
        return HEX.formatHex(mac.doFinal(bytes(normalisedValue)));
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
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

    /** One subject's unwrapped data key. */
    public static final class SubjectKey {
        private final SecretKey key;

        SubjectKey(SecretKey key) {
            this.key = key;
        }

        public byte[] seal(String plaintext, String boundTo) {
            return Aead.seal(key, bytes(plaintext), bytes(boundTo));
        }

        public String open(byte[] sealed, String boundTo) {
            return new String(Aead.open(key, sealed, bytes(boundTo)), StandardCharsets.UTF_8);
        }
    }
}
