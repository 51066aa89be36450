package io.lethe.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync log's secret, kept outside the database: {@code LETHE_AUDIT_KEY} (base64 of 32 bytes) when set, otherwise
 * generated once into {@code <data dir>/audit.key} (mode 600). Two keys are derived from it, each for one purpose:
 * the HMAC-SHA256 key of the hash chains (so whoever can write the database cannot recompute a chain) and the
 * Ed25519 key that signs checkpoints (so an exported checkpoint proves what the log held, and when).
 * It is independent of the master key on purpose: rotating the master key must not change the chain.
 */
public final class AuditKey {

    static final String FILE_NAME = "audit.key";
    private static final Logger LOG = LoggerFactory.getLogger(AuditKey.class);
    private static final byte[] CHAIN_LABEL = "lethe/audit-chain/v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SIGNING_LABEL = "lethe/audit-checkpoint/v1".getBytes(StandardCharsets.UTF_8);

    private final SecretKeySpec chainKey;
    private final KeyPair signing;
    private final String publicKey;
    private final String keyId;

    private AuditKey(byte[] secret) {
        if (secret.length != 32) {
            throw new IllegalArgumentException("LETHE_AUDIT_KEY must be the base64 of exactly 32 bytes");
        }
        SecretKeySpec root = new SecretKeySpec(secret, "HmacSHA256");
        this.chainKey = new SecretKeySpec(hmac(root, CHAIN_LABEL), "HmacSHA256");
        this.signing = ed25519(hmac(root, SIGNING_LABEL));
        this.publicKey = Base64.getEncoder().encodeToString(signing.getPublic().getEncoded());
        this.keyId = sha256Hex(signing.getPublic().getEncoded()).substring(0, 16);
    }

    public static AuditKey of(byte[] secret) {
        return new AuditKey(secret);
    }

    public static AuditKey load(String configuredBase64, Path dataDir) throws IOException {
        if (configuredBase64 != null && !configuredBase64.isBlank()) {
            return new AuditKey(decode(configuredBase64.strip(), "LETHE_AUDIT_KEY"));
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            generate(file);
        }
        return new AuditKey(decode(Files.readString(file).strip(), file.toString()));
    }

    /** For offline commands: the key the hub uses, never a new one. */
    public static AuditKey loadExisting(String configuredBase64, Path dataDir) throws IOException {
        if ((configuredBase64 == null || configuredBase64.isBlank()) && !Files.exists(dataDir.resolve(FILE_NAME))) {
            throw new IOException("no audit key: set LETHE_AUDIT_KEY or LETHE_DATA_DIR as the hub has them ("
                    + dataDir.resolve(FILE_NAME) + " does not exist)");
        }
        return load(configuredBase64, dataDir);
    }

    /** HMAC-SHA256 of the chain, hex. */
    String chainMac(byte[]... parts) {
        Mac mac = mac(chainKey);
        for (byte[] part : parts) {
            mac.update(part);
        }
        return HexFormat.of().formatHex(mac.doFinal());
    }

    /**
     * An Ed25519 signature with the hub's signing key. Checkpoints sign canonical JSON (it starts with a brace);
     * evidence bundles and consent receipts sign a JWS signing input (base64url, never a brace), so a signature made
     * for one can never pass as the other.
     */
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signing.getPrivate());
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JVM", e);
        }
    }

    /** True when {@code signature} was made by this key over {@code data}. */
    boolean verify(byte[] data, byte[] signature) {
        return verify(signing.getPublic(), data, signature);
    }

    static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The signing key's public half (checkpoints, evidence bundles, consent receipts). */
    public PublicKey signingPublicKey() {
        return signing.getPublic();
    }

    /** The checkpoint verification key: base64 of its X.509 encoding. Public; safe to publish. */
    public String publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** Ed25519 from a 32-byte seed: the JDK generator reads the private key from its random source, so feed it the seed. */
    private static KeyPair ed25519(byte[] seed) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            });
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JVM", e);
        }
    }

    private static void generate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException raced) {
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(secret) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        LOG.warn("LETHE_AUDIT_KEY is not set: generated the sync log's chain key into {}. Back it up and keep it"
                + " secret, apart from the database; without it the sync log cannot be verified.", file);
    }

    private static byte[] decode(String base64, String origin) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + " is not valid base64");
        }
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private static Mac mac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
