package io.lethe.evidence;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.audit.AuditKey;

/**
 * The hub's signing key for evidence: the same Ed25519 key that signs the sync log's checkpoints ({@link AuditKey}),
 * so one published key checks a bundle, the checkpoint inside it and a consent receipt. Published as a JWK Set
 * (RFC 7517, OKP/Ed25519 per RFC 8037). The key derives from LETHE_AUDIT_KEY, which has no rotation yet; when it
 * gets one, retired keys must stay listed here so older bundles still verify.
 */
public final class SigningKeys {

    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows it. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final AuditKey key;

    public SigningKeys(AuditKey key) {
        this.key = key;
    }

    public String currentKid() {
        return key.keyId();
    }

    public PublicKey currentKey() {
        return key.signingPublicKey();
    }

    /** Signs a JWS whose header names the current key. */
    String sign(String contentType, byte[] payload) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", Jws.ALG);
        header.put("kid", key.keyId());
        header.put("typ", "JOSE");
        header.put("cty", contentType);
        return Jws.sign(header, payload, key::sign);
    }

    /** {@code GET /api/v1/signing-keys}: {@code {"keys":[{kty, crv, x, kid, use, alg}]}}. */
    public Map<String, Object> jwks() {
        return Map.of("keys", List.of(jwk(key.keyId(), key.signingPublicKey())));
    }

    static Map<String, Object> jwk(String kid, PublicKey publicKey) {
        byte[] encoded = publicKey.getEncoded();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "OKP");
        jwk.put("crv", "Ed25519");
        jwk.put("x", B64.encodeToString(Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length)));
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", Jws.ALG);
        return jwk;
    }

    /** The Ed25519 keys of a JWK Set by kid; other key types are skipped. */
    public static Map<String, PublicKey> parseJwks(JsonNode jwks) {
        if (jwks == null || !jwks.path("keys").isArray()) {
            throw new IllegalArgumentException("the key set is not a JWK Set (an object with a keys array)");
        }
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (JsonNode k : jwks.path("keys")) {
            if (!"OKP".equals(k.path("kty").asText()) || !"Ed25519".equals(k.path("crv").asText())) {
                continue;
            }
            byte[] raw;
            try {
                raw = Base64.getUrlDecoder().decode(k.path("x").asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("key " + k.path("kid").asText() + ": x is not base64url");
            }
            if (raw.length != 32) {
                throw new IllegalArgumentException("key " + k.path("kid").asText() + ": x must be 32 bytes");
            }
            keys.put(k.path("kid").asText(), fromRaw(raw));
        }
        return keys;
    }

    static PublicKey fromRaw(byte[] raw) {
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + raw.length);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }
}
