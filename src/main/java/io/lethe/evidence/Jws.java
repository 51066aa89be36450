package io.lethe.evidence;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JWS compact serialization (RFC 7515) with {@code alg: EdDSA} over Ed25519 (RFC 8037), on the JDK's own Ed25519:
 * the JOSE libraries at hand sign Ed25519 only through Google Tink. Parsing is strict: every part must be canonical
 * unpadded base64url, so no byte of a file can change without the signature check failing (a lenient decoder
 * ignores the spare bits of a segment's last character).
 */
public final class Jws {

    public static final String ALG = "EdDSA";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Jws() {
    }

    /** A parsed JWS: its protected header, the payload bytes, and what the signature covers. */
    public record Parsed(JsonNode header, byte[] payload, byte[] signingInput, byte[] signature) {

        public String kid() {
            return header.path("kid").asText(null);
        }
    }

    /** Not a JWS this hub could have made; the message names the part at fault (never the payload's content). */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** {@code base64url(header).base64url(payload).base64url(signature)}; {@code signer} signs the first two. */
    public static String sign(Map<String, Object> header, byte[] payload, UnaryOperator<byte[]> signer) {
        try {
            String input = B64.encodeToString(JSON.writeValueAsBytes(header)) + "." + B64.encodeToString(payload);
            byte[] signature = signer.apply(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(signature);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Parsed parse(String compact) throws Invalid {
        // One line break may end a saved file; nothing else may surround the JWS (a changed byte never passes).
        String text = compact.endsWith("\r\n") ? compact.substring(0, compact.length() - 2)
                : compact.endsWith("\n") ? compact.substring(0, compact.length() - 1) : compact;
        String[] parts = text.split("\\.", -1);
        if (parts.length != 3) {
            throw new Invalid("the file is not a JWS in compact form (three base64url parts joined by dots)");
        }
        byte[] header = decode(parts[0], "header");
        byte[] payload = decode(parts[1], "payload");
        byte[] signature = decode(parts[2], "signature");
        if (signature.length != 64) {
            throw new Invalid("the JWS signature must be 64 bytes (Ed25519)");
        }
        JsonNode headerJson;
        try {
            headerJson = JSON.readTree(header);
        } catch (java.io.IOException e) {
            throw new Invalid("the JWS header is not JSON");
        }
        if (headerJson == null || !headerJson.isObject() || !ALG.equals(headerJson.path("alg").asText())) {
            throw new Invalid("the JWS header must name alg EdDSA");
        }
        if (headerJson.has("crit")) {
            throw new Invalid("the JWS header lists critical extensions this verifier does not know");
        }
        return new Parsed(headerJson, payload, (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII),
                signature);
    }

    /** True when {@code key} made the signature. */
    public static boolean verify(Parsed jws, PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(jws.signingInput());
            return s.verify(jws.signature());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] decode(String part, String name) throws Invalid {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new Invalid("the JWS " + name + " is not base64url");
        }
        if (part.isEmpty() || !B64.encodeToString(bytes).equals(part)) {
            throw new Invalid("the JWS " + name + " is not canonical unpadded base64url");
        }
        return bytes;
    }
}
