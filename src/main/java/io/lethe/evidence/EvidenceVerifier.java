package io.lethe.evidence;

import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.audit.Checkpoint;

/**
 * Checks an evidence bundle or a consent receipt without the hub: the JWS signature against a published key, then
 * for a bundle the checkpoint's signature (the same key), that every sync-log entry is covered by the checkpoint
 * and that the entries hang together. What needs the register (recomputing the keyed chain, comparing each entry
 * with the database) is {@link DatabaseCheck}; until it ran, those checks are reported as not checked.
 * Check details name fields, seqs and vendors only, never the bundle's personal data.
 */
public final class EvidenceVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EvidenceVerifier() {
    }

    /** The outcome of one check. */
    public enum Outcome {
        PASSED, FAILED, NOT_CHECKED
    }

    /** One check, as the command prints it. */
    public record Check(String name, Outcome outcome, String detail) {

        @Override
        public String toString() {
            return String.format("%-11s %-22s %s", outcome.name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT),
                    name, detail);
        }
    }

    /** What was checked; {@code payload} and {@code checkpoint} are set once the signature holds. */
    public static final class Report {
        private final List<Check> checks = new ArrayList<>();
        private String format;
        private JsonNode payload;
        private Checkpoint checkpoint;

        void add(String name, Outcome outcome, String detail) {
            checks.add(new Check(name, outcome, detail));
        }

        /** Replaces a check of that name (a "not checked" once the database is at hand), or adds it. */
        void put(String name, Outcome outcome, String detail) {
            checks.removeIf(c -> c.name().equals(name));
            add(name, outcome, detail);
        }

        public List<Check> checks() {
            return List.copyOf(checks);
        }

        public boolean passed() {
            return !checks.isEmpty() && checks.stream().noneMatch(c -> c.outcome() == Outcome.FAILED);
        }

        /** True when the signature held and the document is one this verifier knows. */
        public boolean readable() {
            return payload != null;
        }

        public String format() {
            return format;
        }

        JsonNode payload() {
            return payload;
        }

        Checkpoint checkpoint() {
            return checkpoint;
        }

        public boolean isBundle() {
            return EvidenceBundles.FORMAT.equals(format);
        }
    }

    /** Every offline check of {@code file} against {@code keys} (kid → key, e.g. a saved GET /signing-keys). */
    public static Report offline(String file, Map<String, PublicKey> keys) {
        Report report = new Report();
        Jws.Parsed jws;
        try {
            jws = Jws.parse(file);
        } catch (Jws.Invalid e) {
            report.add("format", Outcome.FAILED, e.getMessage());
            return report;
        }
        PublicKey key = keys.get(jws.kid());
        if (key == null) {
            report.add("signature", Outcome.FAILED, "signed with key " + jws.kid() + ", which is not in the key set"
                    + " given (" + String.join(", ", keys.keySet()) + ")");
            return report;
        }
        if (!Jws.verify(jws, key)) {
            report.add("signature", Outcome.FAILED, "the Ed25519 signature does not match: the file was changed"
                    + " after signing, or key " + jws.kid() + " did not sign it");
            return report;
        }
        report.add("signature", Outcome.PASSED, "Ed25519 (JWS EdDSA) by key " + jws.kid());
        JsonNode payload;
        try {
            payload = JSON.readTree(jws.payload());
        } catch (IOException e) {
            report.add("format", Outcome.FAILED, "the signed payload is not JSON");
            return report;
        }
        report.format = payload == null ? "" : payload.path("format").asText();
        report.payload = payload;
        if (EvidenceBundles.FORMAT.equals(report.format)) {
            bundle(report, payload, key);
        } else if (ConsentReceipts.FORMAT.equals(report.format)) {
            report.add("format", Outcome.PASSED, "consent receipt (" + ConsentReceipts.SCHEMA_VERSION + ") of event "
                    + payload.path("record_id").asText() + ", issued " + payload.path("receipt_timestamp").asText());
            report.add("consents", Outcome.NOT_CHECKED, "that the register still holds the event as the receipt"
                    + " says needs the database (--database)");
        } else {
            report.add("format", Outcome.FAILED, "format must be " + EvidenceBundles.FORMAT + " or "
                    + ConsentReceipts.FORMAT);
            report.payload = null;
        }
        return report;
    }

    private static void bundle(Report report, JsonNode payload, PublicKey key) {
        report.add("format", Outcome.PASSED, payload.path("kind").asText() + " bundle issued "
                + payload.path("issuedAt").asText() + ", " + payload.path("consentHistory").size()
                + " consent events, " + payload.path("syncLog").size() + " sync-log entries");
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.parse(payload.get("checkpoint"));
        } catch (Checkpoint.Invalid e) {
            report.add("checkpoint", Outcome.FAILED, "checkpoint." + e.getMessage());
            return;
        }
        if (!checkpoint.signedBy(key)) {
            report.add("checkpoint", Outcome.FAILED, "the checkpoint is not signed by the bundle's key");
            return;
        }
        report.checkpoint = checkpoint;
        report.add("checkpoint", Outcome.PASSED, "signed by the same key, issued " + checkpoint.issuedAt() + ", "
                + checkpoint.entries() + " entries in " + checkpoint.vendors().size() + " vendor chains");
        entries(report, payload, checkpoint);
        report.add("chain", Outcome.NOT_CHECKED, "recomputing the entries' hashes needs the hub's chain key: run"
                + " with --database where the hub runs");
        report.add("register", Outcome.NOT_CHECKED, "that the sync log still holds these entries, and no other"
                + " entry of this " + payload.path("kind").asText() + ", needs the database (--database)");
        report.add("consents", Outcome.NOT_CHECKED, "that the register still holds these consent events needs the"
                + " database (--database)");
    }

    /** Covered by the checkpoint, of this subject or request, in seq order per vendor, linked where adjacent. */
    private static void entries(Report report, JsonNode payload, Checkpoint checkpoint) {
        String kind = payload.path("kind").asText();
        String field = kind.equals("request") ? "requestId" : "subjectId";
        String owner = payload.path(field).asText();
        Map<String, List<JsonNode>> byVendor = new TreeMap<>();
        for (JsonNode e : payload.path("syncLog")) {
            long seq = e.path("seq").asLong();
            String vendor = e.path("vendor").asText();
            Checkpoint.VendorHead head = checkpoint.vendors().get(vendor);
            if (head == null || seq > head.headSeq()) {
                report.add("coverage", Outcome.FAILED, "entry seq " + seq + " (" + vendor + ") is not covered by the"
                        + " checkpoint" + (head == null ? "" : " (head seq " + head.headSeq() + ")"));
                return;
            }
            if (seq == head.headSeq() && !head.headHash().equals(e.path("hash").asText())) {
                report.add("coverage", Outcome.FAILED, "entry seq " + seq + " is the checkpointed head of " + vendor
                        + " but its hash differs from the checkpoint's");
                return;
            }
            if (!owner.equals(e.path(field).asText())) {
                report.add("coverage", Outcome.FAILED, "entry seq " + seq + " belongs to another " + kind);
                return;
            }
            if (!e.path("hash").asText().matches("^[0-9a-f]{64}$") || !e.path("prevHash").asText()
                    .matches("^[0-9a-f]{64}$")) {
                report.add("coverage", Outcome.FAILED, "entry seq " + seq + ": hash and prevHash must be 64 hex");
                return;
            }
            byVendor.computeIfAbsent(vendor, v -> new ArrayList<>()).add(e);
        }
        report.add("coverage", Outcome.PASSED, "every entry is of this " + kind + " and at or below its vendor's"
                + " checkpointed head");
        int links = 0;
        for (Map.Entry<String, List<JsonNode>> vendor : byVendor.entrySet()) {
            Map<String, Long> seqOfHash = new HashMap<>();
            long previous = Long.MIN_VALUE;
            for (JsonNode e : vendor.getValue()) {
                long seq = e.path("seq").asLong();
                if (seq <= previous) {
                    report.add("links", Outcome.FAILED, vendor.getKey() + ": entry seq " + seq + " is out of order");
                    return;
                }
                Long linked = seqOfHash.get(e.path("prevHash").asText());
                if (linked != null) {
                    if (linked != previous) {
                        report.add("links", Outcome.FAILED, vendor.getKey() + ": entry seq " + seq + " links to seq "
                                + linked + ", not to the entry before it");
                        return;
                    }
                    links++;
                }
                if (seqOfHash.put(e.path("hash").asText(), seq) != null) {
                    report.add("links", Outcome.FAILED, vendor.getKey() + ": two entries have the same hash");
                    return;
                }
                previous = seq;
            }
        }
        report.add("links", Outcome.PASSED, "entries in seq order per vendor; " + links + " adjacent pairs link by"
                + " prevHash (the others have other subjects' entries between them)");
    }
}
