package io.lethe.evidence;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.audit.AuditChain;
import io.lethe.audit.Checkpoint;
import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.audit.SyncQuery;
import io.lethe.register.ConsentEvent;
import io.lethe.register.ConsentRegister;
import io.lethe.requests.DataSubjectRequest;
import io.lethe.requests.RequestService;
import io.lethe.review.PersonalDataAccessLog;

/**
 * Signed evidence bundles for a regulator: a subject's (or one request's) consent history with its evidence, every
 * sync-log entry of it, the request timelines, and a checkpoint of the whole log issued at bundle time, all in one
 * JWS signed with the hub's key ({@link SigningKeys}). The bundle is the person's data: each download is written to
 * the personal-data access log first. {@code lethe evidence verify FILE} checks it ({@link EvidenceVerifier}).
 */
public final class EvidenceBundles {

    public static final String FORMAT = "lethe-evidence-bundle/1";
    /** The JWS {@code cty} of a bundle. */
    public static final String CONTENT_TYPE = "application/vnd.lethe.evidence-bundle+json";
    /** A subject's requests a subject bundle holds at most (newest first). */
    static final int MAX_REQUESTS = 200;
    private static final int PAGE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsentRegister register;
    private final RequestService requests;
    private final SyncLog syncLog;
    private final AuditChain chain;
    private final SigningKeys keys;
    private final PersonalDataAccessLog accessLog;
    private final Clock clock;

    public EvidenceBundles(ConsentRegister register, RequestService requests, SyncLog syncLog, AuditChain chain,
            SigningKeys keys, PersonalDataAccessLog accessLog, Clock clock) {
        this.register = register;
        this.requests = requests;
        this.syncLog = syncLog;
        this.chain = chain;
        this.keys = keys;
        this.accessLog = accessLog;
        this.clock = clock;
    }

    /** Who asks, for the access log: the key's name and role, and where ("through the API", "in the console"). */
    public record Viewer(String name, String role, String channel) {
    }

    /** The sync log does not verify: no checkpoint is issued over it, so no bundle either. */
    public static final class ChainBroken extends RuntimeException {
        ChainBroken(String message) {
            super(message);
        }
    }

    /** A signed bundle or receipt: the compact JWS, and the file name it downloads as. */
    public record Signed(String jws, String fileName) {
    }

    /** The bundle of a subject; empty when the register does not know it. */
    public Optional<Signed> ofSubject(String subjectId, Viewer viewer) {
        if (!register.exists(subjectId)) {
            return Optional.empty();
        }
        Checkpoint checkpoint = checkpoint();
        Map<String, Object> bundle = header("subject", checkpoint);
        bundle.put("subjectId", subjectId);
        bundle.put("consentHistory", history(subjectId));
        bundle.put("requests", requests.ofSubject(subjectId, MAX_REQUESTS).stream().map(r -> request(r, checkpoint))
                .toList());
        bundle.put("syncLog", entries(ofSubject(subjectId), checkpoint));
        bundle.put("checkpoint", checkpoint.toDocument());
        accessLog.record(viewer.name(), viewer.role(), subjectId, "evidence bundle of the subject fetched "
                + viewer.channel());
        return Optional.of(new Signed(keys.sign(CONTENT_TYPE, bytes(bundle)), "evidence-subject-" + subjectId + ".jws"));
    }

    /** The bundle of a request (with its subject's consent history); empty when there is no such request. */
    public Optional<Signed> ofRequest(String requestId, Viewer viewer) {
        Optional<DataSubjectRequest> found = requests.find(requestId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Checkpoint checkpoint = checkpoint();
        DataSubjectRequest r = requests.find(requestId).orElseThrow(); // re-read: the checkpoint covers what it says
        Map<String, Object> bundle = header("request", checkpoint);
        bundle.put("subjectId", r.subjectId());
        bundle.put("requestId", r.id());
        bundle.put("consentHistory", history(r.subjectId()));
        bundle.put("requests", List.of(request(r, checkpoint)));
        bundle.put("syncLog", entries(ofRequest(requestId), checkpoint));
        bundle.put("checkpoint", checkpoint.toDocument());
        accessLog.record(viewer.name(), viewer.role(), r.subjectId(), "evidence bundle of request " + r.id()
                + " fetched " + viewer.channel());
        return Optional.of(new Signed(keys.sign(CONTENT_TYPE, bytes(bundle)), "evidence-request-" + r.id() + ".jws"));
    }

    private Checkpoint checkpoint() {
        try {
            return chain.issue();
        } catch (IllegalStateException broken) {
            throw new ChainBroken(broken.getMessage());
        }
    }

    private Map<String, Object> header(String kind, Checkpoint checkpoint) {
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("format", FORMAT);
        bundle.put("kind", kind);
        bundle.put("issuedAt", checkpoint.issuedAt().toString());
        bundle.put("personalData", true);
        bundle.put("issuer", Map.of("kid", keys.currentKid()));
        return bundle;
    }

    private List<Map<String, Object>> history(String subjectId) {
        return register.history(subjectId).orElse(List.of()).stream().map(EvidenceBundles::event).toList();
    }

    static Map<String, Object> event(ConsentEvent e) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", e.eventId());
        event.put("purpose", e.purpose());
        event.put("status", e.status().wire());
        event.put("lawfulBasis", e.lawfulBasis());
        event.put("source", e.source());
        event.put("capturedAt", e.capturedAt().toString());
        event.put("recordedAt", e.recordedAt().toString());
        event.put("evidence", evidence(e));
        return event;
    }

    static Map<String, Object> evidence(ConsentEvent e) {
        if (e.evidenceErased()) {
            return Map.of("erased", true);
        }
        if (e.evidence() == null) {
            return null;
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("noticeVersion", e.evidence().noticeVersion());
        evidence.put("ip", e.evidence().ip());
        evidence.put("userAgent", e.evidence().userAgent());
        if (e.evidence().observed() != null) {
            evidence.put("observed", e.evidence().observed());
        }
        return evidence;
    }

    /**
     * Every entry of the query up to the checkpoint's head of its vendor: a vendor's entries commit in seq order (its
     * head row is locked), so the entries at or below the head are exactly those the checkpoint covers; later ones
     * belong to a later bundle.
     */
    static List<SyncEntry> covered(SyncLog syncLog, SyncQuery query, Checkpoint checkpoint) {
        List<SyncEntry> out = new ArrayList<>();
        SyncQuery page = query;
        while (true) {
            List<SyncEntry> found = syncLog.find(page);
            List<SyncEntry> batch = found.size() > PAGE ? found.subList(0, PAGE) : found;
            for (SyncEntry e : batch) {
                Checkpoint.VendorHead head = checkpoint.vendors().get(e.vendor());
                if (head != null && e.seq() <= head.headSeq()) {
                    out.add(e);
                }
            }
            if (found.size() <= PAGE) {
                return out;
            }
            page = page.after(batch.get(batch.size() - 1).seq());
        }
    }

    static SyncQuery ofSubject(String subjectId) {
        return new SyncQuery(null, subjectId, null, null, null, 0, PAGE);
    }

    static SyncQuery ofRequest(String requestId) {
        return new SyncQuery(null, null, requestId, null, null, 0, PAGE);
    }

    private List<Map<String, Object>> entries(SyncQuery query, Checkpoint checkpoint) {
        return covered(syncLog, query, checkpoint).stream().map(SyncEntry::toDocument).toList();
    }

    /** A request and its timeline: what happened when, oldest first (sync-log entries named by seq). */
    private Map<String, Object> request(DataSubjectRequest r, Checkpoint checkpoint) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", r.id());
        m.put("type", r.type().wire());
        m.put("regulation", r.regulation().wire());
        m.put("status", r.status().wire());
        m.put("receivedAt", r.receivedAt().toString());
        m.put("dueAt", r.dueAt().toString());
        m.put("extendedAt", r.extendedAt() == null ? null : r.extendedAt().toString());
        m.put("extensionReason", r.extensionReason());
        m.put("purposes", r.purposes());
        m.put("vendors", r.vendors().stream().map(v -> {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("vendor", v.vendor());
            part.put("status", v.status());
            part.put("updatedAt", v.updatedAt().toString());
            part.put("detail", v.detail());
            return part;
        }).toList());
        m.put("timeline", timeline(r, checkpoint));
        return m;
    }

    private List<Map<String, Object>> timeline(DataSubjectRequest r, Checkpoint checkpoint) {
        record Step(java.time.Instant at, String event, String detail, Long seq) {
        }
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(r.receivedAt(), "received", r.type().wire() + " under "
                + r.regulation().wire().toUpperCase(Locale.ROOT) + ", due " + r.dueAt(), null));
        if (r.extendedAt() != null) {
            steps.add(new Step(r.extendedAt(), "extended", r.extensionReason(), null));
        }
        for (SyncEntry e : covered(syncLog, ofRequest(r.id()), checkpoint)) {
            steps.add(new Step(e.at(), e.vendor() + " " + e.action() + " " + e.outcome(),
                    e.httpStatus() == null ? null : "HTTP " + e.httpStatus(), e.seq()));
        }
        for (DataSubjectRequest.VendorProgress v : r.vendors()) {
            steps.add(new Step(v.updatedAt(), v.vendor() + " part " + v.status(), v.detail(), null));
        }
        steps.sort(Comparator.comparing(Step::at));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Step s : steps) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", s.at().toString());
            m.put("event", s.event());
            m.put("detail", s.detail());
            if (s.seq() != null) {
                m.put("syncLogSeq", s.seq());
            }
            out.add(m);
        }
        return out;
    }

    static byte[] bytes(Object document) {
        try {
            return JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
