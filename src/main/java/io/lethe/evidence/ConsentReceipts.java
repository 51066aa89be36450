package io.lethe.evidence;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import io.lethe.register.ConsentEvent;
import io.lethe.register.ConsentRegister;
import io.lethe.review.PersonalDataAccessLog;

/**
 * A consent event as a consent receipt with the fields of ISO/IEC TS 27560:2023 (schema version, receipt id and
 * time, the record it is drawn from, PII principal, controller, purpose with its lawful basis, notice, how and when
 * consent was given, its state), signed like an evidence bundle. Holds the evidence (IP, user agent): personal data,
 * so each download is written to the personal-data access log.
 */
public final class ConsentReceipts {

    public static final String FORMAT = "lethe-consent-receipt/1";
    public static final String CONTENT_TYPE = "application/vnd.lethe.consent-receipt+json";
    public static final String SCHEMA_VERSION = "ISO/IEC TS 27560:2023";

    private final DataSource dataSource;
    private final ConsentRegister register;
    private final SigningKeys keys;
    private final PersonalDataAccessLog accessLog;
    private final String controller;
    private final Clock clock;

    public ConsentReceipts(DataSource dataSource, ConsentRegister register, SigningKeys keys,
            PersonalDataAccessLog accessLog, String controller, Clock clock) {
        this.dataSource = dataSource;
        this.register = register;
        this.keys = keys;
        this.accessLog = accessLog;
        this.controller = controller;
        this.clock = clock;
    }

    /** The receipt of one consent event; empty when no event has that id. */
    public Optional<EvidenceBundles.Signed> of(String eventId, EvidenceBundles.Viewer viewer) {
        Optional<String> subjectId = subjectOf(eventId);
        if (subjectId.isEmpty()) {
            return Optional.empty();
        }
        Optional<ConsentEvent> event = register.history(subjectId.get()).orElse(List.of()).stream()
                .filter(e -> e.eventId().equals(eventId)).findFirst();
        if (event.isEmpty()) {
            return Optional.empty();
        }
        ConsentEvent e = event.get();
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("format", FORMAT);
        receipt.put("schema_version", SCHEMA_VERSION);
        receipt.put("receipt_id", UUID.randomUUID().toString());
        receipt.put("receipt_timestamp", clock.instant().toString());
        receipt.put("record_id", e.eventId());
        receipt.put("personal_data", true);
        receipt.put("pii_principal_id", subjectId.get());
        receipt.put("pii_controllers", List.of(Map.of("name", controller)));
        Map<String, Object> purpose = new LinkedHashMap<>();
        purpose.put("purpose", e.purpose());
        purpose.put("lawful_basis", e.lawfulBasis());
        receipt.put("purposes", List.of(purpose));
        Map<String, Object> notice = new LinkedHashMap<>();
        notice.put("notice_id", e.evidence() == null || e.evidenceErased() ? null : e.evidence().noticeVersion());
        receipt.put("notice", notice);
        receipt.put("collection_method", e.source());
        Map<String, Object> consentEvent = new LinkedHashMap<>();
        consentEvent.put("event_time", e.capturedAt().toString());
        consentEvent.put("event_type", state(e));
        consentEvent.put("recorded_at", e.recordedAt().toString());
        receipt.put("event", consentEvent);
        receipt.put("state", state(e));
        receipt.put("status", e.status().wire());
        receipt.put("evidence", EvidenceBundles.evidence(e));
        receipt.put("issuer", Map.of("kid", keys.currentKid()));
        accessLog.record(viewer.name(), viewer.role(), subjectId.get(), "consent receipt of event " + eventId
                + " fetched " + viewer.channel());
        return Optional.of(new EvidenceBundles.Signed(keys.sign(CONTENT_TYPE, EvidenceBundles.bytes(receipt)),
                "consent-receipt-" + eventId + ".jws"));
    }

    /** 27560's consent states for the register's statuses. */
    private static String state(ConsentEvent e) {
        return switch (e.status()) {
            case GRANTED -> "given";
            case DENIED -> "refused";
            case WITHDRAWN -> "withdrawn";
        };
    }

    private Optional<String> subjectOf(String eventId) {
        return Sql.transaction(dataSource, "finding a consent event", c -> {
            try (PreparedStatement ps = c.prepareStatement("select subject_id from consent_event where id = ?")) {
                ps.setString(1, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }
}
