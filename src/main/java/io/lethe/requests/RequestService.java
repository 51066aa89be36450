package io.lethe.requests;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import io.lethe.connectors.Connectors;
import io.lethe.db.Sql;
import io.lethe.dispatch.Command;
import io.lethe.dispatch.Outbox;
import io.lethe.dispatch.RequestCommands;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.Templates;
import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;
import io.lethe.register.KeyRing;

/**
 * The life of a data-subject request, as the API, the mailbox and reconciliation see it: filed (and, for risky types
 * filed by intake, confirmed by the person through a single-use link: {@link RequestFiling}), executed at every vendor
 * through the outbox ({@link RequestExecution}), advanced after each dispatch ({@link RequestLifecycle}) and finished
 * when every vendor has answered ({@link RequestCompletion}). An erasure ends with the subject crypto-shredded and
 * remembered only as keyed hashes in the suppression register.
 */
public final class RequestService {

    private final DataSource dataSource;
    private final Outbox outbox;
    private final Deadlines deadlines;
    private final Clock clock;
    private final RequestStore store = new RequestStore();
    private final RequestLinks links = new RequestLinks();
    private final RequestNotices notices;
    private final RequestCompletion completion;
    private final RequestFiling filing;
    private final RequestSweep sweep;
    private final RequestLifecycle lifecycle;
    private final AccessPackage access;
    private final CommandResend resend;

    public RequestService(DataSource dataSource, ConsentRegister register, Outbox outbox, Connectors connectors,
            Deadlines deadlines, MailOutbox mail, Templates templates, String publicUrl, String dpoEmail, Clock clock) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.deadlines = deadlines;
        this.clock = clock;
        this.notices = new RequestNotices(mail, templates, register, dpoEmail);
        this.completion = new RequestCompletion(store, register, notices, clock);
        RequestExecution execution = new RequestExecution(store, register, outbox, connectors, completion, clock);
        this.execution = execution; // retention and legal holds (see the end of this class)
        this.register = register;
        this.retentionFiling = new RetentionFiling(dataSource, connectors, deadlines, store, execution, clock);
        this.filing = new RequestFiling(dataSource, register, connectors, deadlines, store, links, notices, execution,
                publicUrl, clock);
        this.sweep = new RequestSweep(dataSource, store, links, notices, clock);
        this.lifecycle = new RequestLifecycle(dataSource, store, new RequestCommands(), completion, clock);
        this.access = new AccessPackage(dataSource, store, register, connectors, clock);
        this.resend = new CommandResend(dataSource, outbox, store, clock);
    }

    /** Sends a command that waits for a person again (see {@link CommandResend}); empty when it does not wait. */
    public java.util.Optional<io.lethe.dispatch.Command> resend(long commandId, String who) {
        return resend.resend(commandId, who);
    }

    /** Seals the address of a person who is not in the register yet with a key of their request's own. */
    public void setKeys(KeyRing keys) {
        filing.setKeys(keys);
    }

    /** How long before its due date the DPO is reminded of an open request. */
    public void setReminderLead(Duration lead) {
        sweep.setReminderLead(lead);
    }

    /** The configured purposes, all of which a restriction withdraws. */
    public void setPurposes(Set<String> purposes) {
        completion.setPurposes(purposes);
    }

    /** The bean of routes/lifecycle.camel.yaml, and the mail queue's listener for refused identity links. */
    public RequestLifecycle lifecycle() {
        return lifecycle;
    }

    /** What a caller filed; identities are already valid and normalised. */
    public record Filing(RequestType type, Regulation regulation, Map<IdentityKind, String> identities,
            List<String> purposes, Map<String, String> changes, boolean identityChecked, String filedBy, boolean quiet) {
        /** A request a person filed (or intake for them): they are told about it. */
        public Filing(RequestType type, Regulation regulation, Map<IdentityKind, String> identities, List<String> purposes,
                Map<String, String> changes, boolean identityChecked, String filedBy) {
            this(type, regulation, identities, purposes, changes, identityChecked, filedBy, false);
        }
    }

    /** What opening a link did. */
    public enum Confirmation {
        /** Every link of the request is confirmed: it is pending now. */
        STARTED,
        /** This link is confirmed; the request still waits for another one. */
        RECORDED,
        /** Unknown, used or expired. */
        INVALID
    }

    /**
     * Files a request; empty when the identities name two different subjects. Only identities already on record name
     * the subject ({@link IdentityCheck}; {@link RequestRefusedException} otherwise). The single-use link goes to the
     * subject's address on record; a person the register does not know gets it at the address given, and no subject
     * exists for them until they confirm. A corrected e-mail address gets a link of its own.
     */
    public Optional<DataSubjectRequest> file(Filing f) {
        return filing.file(f).flatMap(this::find);
    }

    /** Whether the link is open (unused, unexpired, its request unverified), without using it: GET of the link. */
    public boolean isOpenLink(String token) {
        return filing.isOpenLink(token);
    }

    /**
     * The single-use link, used (POST of the link page): confirms the address it was sent to; once every link of the
     * request is confirmed the request starts. A person the register did not know becomes a subject now, with the
     * confirmed address only (other identities they gave were never proven).
     */
    public Confirmation verify(String token) {
        return filing.verify(token);
    }

    /** Extends the deadline once, with a reason that is recorded and sent to the person. */
    public DataSubjectRequest extend(String id, int months, String reason) {
        Instant now = clock.instant();
        DataSubjectRequest r = find(id).orElseThrow();
        if (!r.isOpen()) {
            throw new IllegalStateException("request is " + r.status());
        }
        if (r.extendedAt() != null) {
            throw new IllegalStateException("request was already extended once");
        }
        Instant due = deadlines.extended(r.regulation(), r.dueAt(), months);
        String to = r.subjectId() == null ? filing.contactOf(id) : notices.emailOf(r.subjectId());
        return Sql.transaction(dataSource, "extending a request", c -> {
            store.extend(c, id, due, reason, now);
            DataSubjectRequest extended = store.find(c, id).orElseThrow();
            Map<String, String> values = notices.values(extended);
            values.put("reason", reason);
            notices.toPerson(c, to, "extension", values);
            return extended;
        });
    }

    public DataSubjectRequest cancel(String id) {
        DataSubjectRequest r = find(id).orElseThrow();
        if (!r.isOpen()) {
            throw new IllegalStateException("request is " + r.status());
        }
        Instant now = clock.instant();
        Sql.transaction(dataSource, "cancelling a request", c -> {
            store.setStatus(c, id, RequestStatus.CANCELLED, now);
            links.forgetContact(c, id);
            outbox.skipRequest(c, id);
            for (DataSubjectRequest.VendorProgress v : r.vendors()) {
                if (!RequestCompletion.FINAL_VENDOR.contains(v.status())) {
                    store.setVendor(c, id, v.vendor(), "skipped", "request cancelled", now);
                }
            }
            return null;
        });
        return find(id).orElseThrow();
    }

    /**
     * The periodic sweep (timer route): closes unverified requests whose link expired, reminds the DPO of requests
     * due within the reminder lead, and tells the DPO once about each overdue request. Returns the overdue count.
     */
    public int sweep() {
        return sweep.sweep();
    }

    /** Closes unverified requests whose link expired. */
    public int closeExpiredUnverified() {
        return sweep.closeExpiredUnverified();
    }

    /** Vendors asked by e-mail that have not answered for {@code after}: asked again, once per period. */
    public int remindSilentVendors(Duration after, java.util.function.BiConsumer<String, Map<String, String>> remind) {
        return sweep.remindSilentVendors(after, remind);
    }

    /** A vendor without an API answered by e-mail; see {@link RequestLifecycle#vendorReply}. */
    public boolean vendorReply(String requestId, String connector, String status, String detail) {
        return lifecycle.vendorReply(requestId, connector, status, detail);
    }

    /** Requests matching the query, at most {@code limit + 1} (the extra one tells there are more). */
    public java.util.List<RequestSummary> list(RequestQuery query) {
        return Sql.transaction(dataSource, "listing requests", c -> store.list(c, query, clock.instant()));
    }

    /** How many requests were received each day (UTC) since {@code since}, by their status now. */
    public Map<java.time.LocalDate, Map<RequestStatus, Long>> receivedPerDay(Instant since) {
        return Sql.transaction(dataSource, "counting requests", c -> store.receivedPerDay(c, since));
    }

    public Optional<DataSubjectRequest> find(String id) {
        return Sql.transaction(dataSource, "reading a request", c -> store.find(c, id));
    }

    /** A subject's requests with their vendors' parts, newest first, at most {@code max}. */
    public List<DataSubjectRequest> ofSubject(String subjectId, int max) {
        return Sql.transaction(dataSource, "reading a subject's requests", c -> {
            List<DataSubjectRequest> out = new java.util.ArrayList<>();
            for (String id : store.idsOfSubject(c, subjectId, max)) {
                store.find(c, id).ifPresent(out::add);
            }
            return out;
        });
    }

    /** The corrected fields of a rectification, for the vendor call of one of its commands. */
    public Map<String, String> changesFor(Command command) {
        return command.requestId() == null ? Map.of() : Sql.transaction(dataSource, "reading a request's changes",
                c -> completion.changes(c, command.requestId(), command.subjectId()));
    }

    /** The regulation (GDPR, CCPA) of the request a command belongs to, for vendors that record it; null without one. */
    public String regulationFor(Command command) {
        return command.requestId() == null ? null : Sql.transaction(dataSource, "reading a request's regulation",
                c -> store.find(c, command.requestId()).map(r -> r.regulation().name()).orElse(null));
    }

    /** The access package (GDPR Art. 15/20); see {@link AccessPackage}. */
    public Map<String, Object> exportPackage(DataSubjectRequest r) {
        return access.of(r);
    }

    // --- Retention and legal holds (io.lethe.retention, GDPR Art. 17(3)) ---

    private RequestExecution execution;
    private ConsentRegister register;
    private RetentionFiling retentionFiling;
    private LegalHolds holds;

    /** Turns legal holds on (the hub's wiring does, with the sync log they are recorded in); returns them. */
    public LegalHolds enableHolds(io.lethe.audit.SyncLog syncLog, Clock holdClock) {
        holds = new LegalHolds(dataSource, register, store, notices, outbox, syncLog, holdClock);
        holds.setExecution(execution);
        execution.setHolds(holds);
        completion.setHolds(holds);
        return holds;
    }

    /** The legal holds; null until {@link #enableHolds}. */
    public LegalHolds holds() {
        return holds;
    }

    /**
     * Files the hub's own erasure of a subject at the end of a retention period ({@link RetentionFiling}): filed by
     * {@code retention:<policy>}, limited to {@code connectors} when not null. Empty when the subject is gone or one
     * of its erasures is still open; a subject on hold gets a request that goes to action_required at once.
     */
    public Optional<String> fileRetentionErasure(String subjectId, String policy, List<String> connectors) {
        return retentionFiling.file(subjectId, policy, connectors);
    }

    /** The subjects among these with an erasure not done yet (open, or waiting for a person). */
    public Set<String> withOpenErasure(java.util.Collection<String> subjectIds) {
        return retentionFiling.withOpenErasure(subjectIds);
    }

    /** A request as its filer sees it (ids only): the console's list of retention erasures. */
    public record FiledRequest(String id, String subjectId, RequestStatus status, String filedBy, Instant receivedAt,
            Instant updatedAt, List<String> connectors) {
    }

    /** Requests whose filer starts with {@code prefix} ({@code retention:}), newest first, at most {@code max}. */
    public List<FiledRequest> filedBy(String prefix, int max) {
        return retentionFiling.filedBy(prefix, max);
    }
}
