package io.lethe.requests;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;
import io.lethe.register.IdentityTakenException;

/**
 * The end of a request, once every vendor has answered: an erasure crypto-shreds the subject, a rectification
 * replaces the identities, and the person gets the completion mail; a vendor that failed sends it to the DPO instead.
 * Runs in the caller's transaction, with the request's row locked.
 */
final class RequestCompletion {

    /** Vendor statuses after which nothing more happens at that vendor for this request. */
    static final Set<String> FINAL_VENDOR = Set.of("completed", "verified", "not_found", "failed", "action_required",
            "skipped");

    private final RequestStore store;
    private final ConsentRegister register;
    private final RequestNotices notices;
    private final Clock clock;
    private Set<String> allPurposes = Set.of();

    RequestCompletion(RequestStore store, ConsentRegister register, RequestNotices notices, Clock clock) {
        this.store = store;
        this.register = register;
        this.notices = notices;
        this.clock = clock;
    }

    private LegalHolds holds;

    void setHolds(LegalHolds holds) {
        this.holds = holds;
    }

    void setPurposes(Set<String> purposes) {
        this.allPurposes = Set.copyOf(purposes);
    }

    /** The purposes a request withdraws: the objected ones, or every purpose for a restriction. */
    List<String> purposesOf(DataSubjectRequest r) {
        return r.type() == RequestType.RESTRICTION ? List.copyOf(new TreeSet<>(allPurposes)) : r.purposes();
    }

    static boolean everyVendorAnswered(DataSubjectRequest r) {
        return r.vendors().stream().allMatch(v -> FINAL_VENDOR.contains(v.status()));
    }

    void finish(Connection c, DataSubjectRequest r) throws SQLException {
        boolean clean = r.vendors().stream().noneMatch(v -> v.status().equals("failed")
                || v.status().equals("action_required"));
        if (!clean) {
            needsAction(c, r, vendorSummary(r));
            return;
        }
        Instant now = clock.instant();
        Map<String, String> values = notices.values(r);
        int vendors = r.vendors().size();
        switch (r.type()) {
            case ERASURE -> {
                // Defence in depth: however its vendor parts ended (skipped by the hold, resent, ...), a subject on an
                // active legal hold is never shredded; the request waits for the release with the hold recorded.
                if (holds != null && holds.stopsErasure(c, r)) {
                    return;
                }
                if (store.scope(c, r.id()).isPresent()) { // a retention policy's connectors only: the subject stays
                    store.setStatus(c, r.id(), RequestStatus.COMPLETED, now);
                    return;
                }
                String email = notices.emailOf(r.subjectId()); // read before the shredding makes it unreadable
                if (isRetention(store.filedBy(c, r.id()))) { // the hub's own erasure: nobody asked, nobody is told
                    email = null;
                }
                register.shred(c, r.subjectId(), r.id());
                store.setStatus(c, r.id(), RequestStatus.COMPLETED, now);
                values.put("summary", "Your personal data has been erased from our systems and from " + vendors
                        + " connected service(s).");
                notices.toPerson(c, email, "completion", values);
            }
            case RECTIFICATION -> {
                Map<String, String> changes = changes(c, r.id(), r.subjectId());
                try {
                    if (changes.containsKey("email")) {
                        register.replaceIdentity(c, r.subjectId(), IdentityKind.EMAIL, changes.get("email"));
                    }
                    if (changes.containsKey("phone")) {
                        register.replaceIdentity(c, r.subjectId(), IdentityKind.PHONE, changes.get("phone"));
                    }
                } catch (IdentityTakenException e) { // became another subject's after filing: a person decides
                    needsAction(c, r, "The corrected " + e.kind().field() + " now belongs to another subject in the"
                            + " register; the register was not changed.\n");
                    return;
                }
                store.setStatus(c, r.id(), RequestStatus.COMPLETED, now);
                values.put("summary", "Your corrected details are now used by us and by " + vendors
                        + " connected service(s).");
                notices.toPerson(c, changes.getOrDefault("email", notices.emailOf(r.subjectId())), "completion",
                        values);
            }
            case ACCESS -> {
                store.setStatus(c, r.id(), RequestStatus.COMPLETED, now);
                values.put("summary", "A copy of the personal data we and " + vendors + " connected service(s) hold"
                        + " about you is ready; we will send it to you securely.");
                notices.toPerson(c, notices.emailOf(r.subjectId()), "completion", values);
            }
            default -> {
                store.setStatus(c, r.id(), RequestStatus.COMPLETED, now);
                List<String> purposes = purposesOf(r);
                values.put("summary", "Processing for " + (purposes.isEmpty() ? "every purpose"
                        : String.join(", ", purposes)) + " has stopped in our systems and in every connected service"
                        + " that uses it.");
                notices.toPerson(c, notices.emailOf(r.subjectId()), "completion", values);
            }
        }
    }

    /** Requests the hub files itself at the end of a retention period ({@code retention:<policy>}). */
    static boolean isRetention(String filedBy) {
        return filedBy != null && filedBy.startsWith("retention:");
    }

    private void needsAction(Connection c, DataSubjectRequest r, String summary) throws SQLException {
        store.setStatus(c, r.id(), RequestStatus.ACTION_REQUIRED, clock.instant());
        Map<String, String> values = notices.values(r);
        values.put("summary", summary);
        notices.toDpo(c, "dpo-action-required", values);
    }

    private static String vendorSummary(DataSubjectRequest r) {
        StringBuilder summary = new StringBuilder();
        r.vendors().forEach(v -> summary.append("  ").append(v.vendor()).append(": ").append(v.status())
                .append(v.detail() == null ? "" : " (" + v.detail() + ")").append('\n'));
        return summary.toString();
    }

    /** The corrected fields of a rectification, opened with the subject's key. */
    Map<String, String> changes(Connection c, String requestId, String subjectId) throws SQLException {
        byte[] sealed = store.sealedChanges(c, requestId);
        if (sealed == null) {
            return Map.of();
        }
        return Changes.parse(register.openFor(subjectId, sealed, requestId + "/changes").orElse("{}"));
    }
}
