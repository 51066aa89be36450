package io.lethe.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * A signed statement of what the sync log held at {@code issuedAt}: per vendor the number of entries and the head
 * (seq and hash of the newest entry), signed with the hub's Ed25519 checkpoint key over the canonical JSON of the
 * document without {@code signature} (keys sorted, no spaces). Kept outside the hub, it exposes a log whose newest
 * entries were removed: the chain that remains is intact, but the checkpointed head is gone.
 */
public record Checkpoint(Instant issuedAt, long entries, Map<String, VendorHead> vendors, String keyId,
        String publicKey, String signature) {

    public static final String FORMAT = "lethe-audit-checkpoint/1";
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    public Checkpoint {
        vendors = new TreeMap<>(vendors);
    }

    /** One vendor's chain at the checkpoint. */
    public record VendorHead(long entries, long headSeq, String headHash) {
    }

    /** The document as exported, {@code signature} included. */
    public Map<String, Object> toDocument() {
        Map<String, Object> doc = unsigned();
        doc.put("signature", signature);
        return doc;
    }

    /** The bytes the signature covers. */
    byte[] signedBytes() {
        try {
            return CANONICAL.writeValueAsBytes(unsigned());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * True when the checkpoint is signed by {@code key} and names that key: how a verifier without the hub's secret
     * (an evidence bundle checked offline against the published signing key) checks it.
     */
    public boolean signedBy(java.security.PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded()).equals(publicKey)
                && AuditKey.verify(key, signedBytes(), signatureBytes());
    }

    Checkpoint withSignature(String newSignature) {
        return new Checkpoint(issuedAt, entries, vendors, keyId, publicKey, newSignature);
    }

    byte[] signatureBytes() {
        try {
            return Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private Map<String, Object> unsigned() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("issuedAt", issuedAt.toString());
        doc.put("entries", entries);
        Map<String, Object> heads = new LinkedHashMap<>();
        vendors.forEach((vendor, head) -> {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("entries", head.entries());
            h.put("headSeq", head.headSeq());
            h.put("headHash", head.headHash());
            heads.put(vendor, h);
        });
        doc.put("vendors", heads);
        doc.put("keyId", keyId);
        doc.put("publicKey", publicKey);
        return doc;
    }

    /** Reads an exported document; says which field is at fault. */
    public static Checkpoint parse(JsonNode doc) {
        if (doc == null || !doc.isObject()) {
            throw new Invalid("body", "must be a checkpoint document (a JSON object)");
        }
        if (!FORMAT.equals(doc.path("format").asText())) {
            throw new Invalid("format", "must be " + FORMAT);
        }
        Instant issuedAt;
        try {
            issuedAt = Instant.parse(doc.path("issuedAt").asText());
        } catch (DateTimeParseException e) {
            throw new Invalid("issuedAt", "must be an ISO-8601 instant");
        }
        JsonNode vendorsNode = doc.path("vendors");
        if (!vendorsNode.isObject()) {
            throw new Invalid("vendors", "must be an object of vendor heads");
        }
        Map<String, VendorHead> vendors = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = vendorsNode.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> v = it.next();
            JsonNode h = v.getValue();
            String at = "vendors." + v.getKey();
            if (!h.path("entries").canConvertToLong() || !h.path("headSeq").canConvertToLong()) {
                throw new Invalid(at, "needs whole numbers entries and headSeq");
            }
            if (!h.path("headHash").asText().matches("^[0-9a-f]{64}$")) {
                throw new Invalid(at + ".headHash", "must be 64 hex digits");
            }
            vendors.put(v.getKey(), new VendorHead(h.get("entries").asLong(), h.get("headSeq").asLong(),
                    h.get("headHash").asText()));
        }
        if (!doc.path("entries").canConvertToLong()) {
            throw new Invalid("entries", "must be a whole number");
        }
        for (String field : new String[] {"keyId", "publicKey", "signature"}) {
            if (!doc.path(field).isTextual()) {
                throw new Invalid(field, "is required");
            }
        }
        return new Checkpoint(issuedAt, doc.get("entries").asLong(), vendors, doc.get("keyId").asText(),
                doc.get("publicKey").asText(), doc.get("signature").asText());
    }

    /** A document that is not a checkpoint; {@code field} names the member at fault. */
    public static final class Invalid extends IllegalArgumentException {
        private final String field;

        Invalid(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }

        public String reason() {
            return getMessage().substring(field.length() + 2);
        }
    }
}
