package io.lethe.evidence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.audit.AuditChain;
import io.lethe.audit.AuditKey;
import io.lethe.audit.Checkpoint;
import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.audit.SyncQuery;
import io.lethe.audit.Verdict;

/**
 * The checks of a bundle or receipt that need the register and the hub's audit key (run where the hub runs): the
 * whole sync log recomputes and still holds the bundle's checkpoint; every entry of the bundle is in the log
 * field for field, and the log holds no other entry of the subject or request up to the checkpoint; every consent
 * event is still on record as the bundle (or receipt) says. One byte changed in the database fails one of them.
 */
public final class DatabaseCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final AuditKey key;
    private final Clock clock;

    public DatabaseCheck(DataSource dataSource, AuditKey key, Clock clock) {
        this.dataSource = dataSource;
        this.key = key;
        this.clock = clock;
    }

    /** Adds (or replaces the "not checked" of) the database checks to an offline report whose signature held. */
    public void check(EvidenceVerifier.Report report) {
        if (!report.readable()) {
            return;
        }
        JsonNode payload = report.payload();
        if (report.isBundle()) {
            if (report.checkpoint() == null) {
                return;
            }
            chain(report, report.checkpoint());
            syncLog(report, payload, report.checkpoint());
            events(report, payload.path("consentHistory"), payload.path("subjectId").asText(), "consents");
        } else {
            events(report, receiptAsHistory(payload), payload.path("pii_principal_id").asText(), "consents");
        }
    }

    private void chain(EvidenceVerifier.Report report, Checkpoint checkpoint) {
        SyncLog log = new SyncLog(dataSource, clock, key);
        Verdict verdict = new AuditChain(dataSource, log, key, clock).verify(checkpoint);
        if (verdict.valid()) {
            report.put("chain", EvidenceVerifier.Outcome.PASSED, "the sync log's " + verdict.entries() + " entries"
                    + " recompute with the hub's chain key and still hold the bundle's checkpoint");
        } else {
            report.put("chain", EvidenceVerifier.Outcome.FAILED, "the sync log does not verify against the bundle's"
                    + " checkpoint: " + verdict.reason().wire() + (verdict.firstBrokenSeq() == null ? ""
                            : " at seq " + verdict.firstBrokenSeq()) + (verdict.vendor() == null ? ""
                                    : " (" + verdict.vendor() + ")"));
        }
    }

    private void syncLog(EvidenceVerifier.Report report, JsonNode payload, Checkpoint checkpoint) {
        boolean ofRequest = "request".equals(payload.path("kind").asText());
        String owner = payload.path(ofRequest ? "requestId" : "subjectId").asText();
        SyncQuery query = ofRequest ? EvidenceBundles.ofRequest(owner) : EvidenceBundles.ofSubject(owner);
        Map<Long, String> inRegister = new LinkedHashMap<>();
        for (SyncEntry e : EvidenceBundles.covered(new SyncLog(dataSource, clock, key), query, checkpoint)) {
            inRegister.put(e.seq(), text(e.toDocument()));
        }
        Map<Long, String> inBundle = new LinkedHashMap<>();
        payload.path("syncLog").forEach(e -> inBundle.put(e.path("seq").asLong(), e.toString()));
        for (Map.Entry<Long, String> e : inBundle.entrySet()) {
            String held = inRegister.get(e.getKey());
            if (held == null) {
                fail(report, "entry seq " + e.getKey() + " of the bundle is not in the sync log (or no longer of this"
                        + " subject or request)");
                return;
            }
            if (!held.equals(e.getValue())) {
                fail(report, "entry seq " + e.getKey() + " differs between the bundle and the sync log");
                return;
            }
        }
        TreeSet<Long> missing = new TreeSet<>(inRegister.keySet());
        missing.removeAll(inBundle.keySet());
        if (!missing.isEmpty()) {
            fail(report, "the sync log holds " + missing.size() + " entries of this " + payload.path("kind").asText()
                    + " up to the checkpoint that the bundle lacks (first seq " + missing.first() + ")");
            return;
        }
        report.put("register", EvidenceVerifier.Outcome.PASSED, "the sync log holds exactly the bundle's "
                + inBundle.size() + " entries, field for field");
    }

    /**
     * Each event as the register holds it. Sealed parts (the evidence, a caller's free-text source) are not compared:
     * opening them needs the master key, and the bundle's signature already vouches for them.
     */
    private void events(EvidenceVerifier.Report report, JsonNode events, String subjectId, String check) {
        Map<String, Map<String, Object>> rows = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select id, purpose,"
                + " status, lawful_basis, source_ref, captured_at, recorded_at from consent_event where subject_id = ?")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("purpose", rs.getString(2));
                    row.put("status", rs.getString(3));
                    row.put("lawfulBasis", rs.getString(4));
                    if (rs.getString(5) != null) { // a caller's free-text source is sealed: not comparable here
                        row.put("source", rs.getString(5));
                    }
                    row.put("capturedAt", rs.getObject(6, OffsetDateTime.class).toInstant());
                    row.put("recordedAt", rs.getObject(7, OffsetDateTime.class).toInstant());
                    rows.put(rs.getString(1), row);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the consent events failed: " + e.getMessage(), e);
        }
        List<String> seen = new ArrayList<>();
        for (JsonNode e : events) {
            String id = e.path("eventId").asText();
            Map<String, Object> row = rows.get(id);
            if (row == null) {
                report.put(check, EvidenceVerifier.Outcome.FAILED, "consent event " + id + " is not on record for"
                        + " this subject");
                return;
            }
            for (Map.Entry<String, Object> field : row.entrySet()) {
                JsonNode value = e.path(field.getKey());
                boolean same = field.getValue() == null ? value.isNull() || value.isMissingNode()
                        : field.getValue() instanceof Instant at ? at.toString().equals(value.asText())
                        || parses(value.asText(), at) : field.getValue().equals(value.asText());
                if (!same) {
                    report.put(check, EvidenceVerifier.Outcome.FAILED, "consent event " + id + ": "
                            + field.getKey() + " differs from the register");
                    return;
                }
            }
            seen.add(id);
        }
        if (report.isBundle() && seen.size() != rows.size()) {
            report.put(check, EvidenceVerifier.Outcome.FAILED, "the register holds " + rows.size() + " consent events"
                    + " of this subject, the bundle " + seen.size());
            return;
        }
        report.put(check, EvidenceVerifier.Outcome.PASSED, "the register holds the " + seen.size() + " consent event"
                + (seen.size() == 1 ? "" : "s") + " as signed (sealed evidence and sources not compared)");
    }

    private static boolean parses(String text, Instant at) {
        try {
            return Instant.parse(text).equals(at);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** A receipt's fields in the shape of a history event, so one comparison serves both. */
    private static JsonNode receiptAsHistory(JsonNode receipt) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", receipt.path("record_id").asText());
        e.put("purpose", receipt.path("purposes").path(0).path("purpose").asText());
        e.put("status", receipt.path("status").asText());
        e.put("lawfulBasis", receipt.path("purposes").path(0).path("lawful_basis").asText());
        e.put("source", receipt.path("collection_method").asText());
        e.put("capturedAt", receipt.path("event").path("event_time").asText());
        e.put("recordedAt", receipt.path("event").path("recorded_at").asText());
        return JSON.valueToTree(List.of(e));
    }

    private static void fail(EvidenceVerifier.Report report, String why) {
        report.put("register", EvidenceVerifier.Outcome.FAILED, why);
    }

    private static String text(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
