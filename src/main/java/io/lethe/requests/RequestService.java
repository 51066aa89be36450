package io.lethe.requests;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.api.ApiKeys;
import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.db.Transactions;
import io.lethe.dispatch.Command;
import io.lethe.dispatch.Outbox;
import io.lethe.mail.Templates;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.MailOutbox.Recipient;
import io.lethe.notify.OutgoingMail;
import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;
import io.lethe.register.IdentityTakenException;
import io.lethe.register.KeyRing;
import io.lethe.register.RegisterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a data-subject request: filed (and, for risky types filed by intake, confirmed by the person through a
 * single-use link), executed at every vendor through the outbox, finished when every vendor has answered. An erasure
 * ends with the subject crypto-shredded and remembered only as keyed hashes in the suppression register.
 */
public final class RequestService implements Outbox.Listener, MailOutbox.Listener {

    static final Duration LINK_VALIDITY = Duration.ofDays(7);
    private static final Logger LOG = LoggerFactory.getLogger(RequestService.class);
    private static final Set<String> FINAL_VENDOR = Set.of("completed", "verified", "not_found", "failed",
            "action_required", "skipped");

    private final DataSource dataSource;
    private final ConsentRegister register;
    private final Outbox outbox;
    private final Connectors connectors;
    private final Deadlines deadlines;
    private final MailOutbox mail;
    private final Templates templates;
    private final String publicUrl;
    private final String dpoEmail;
    private final Clock clock;
    private final RequestStore store = new RequestStore();
    private final RequestLinks links = new RequestLinks();
    private KeyRing keys;
    private final SecureRandom random = new SecureRandom();
    private java.util.Set<String> allPurposes = Set.of();
    private Duration reminderLead = Duration.ofDays(7);

    /** Seals the address of a person who is not in the register yet with a key of their request's own. */
    public void setKeys(KeyRing keys) {
        this.keys = keys;
    }

    /** How long before its due date the DPO is reminded of an open request. */
    public void setReminderLead(Duration lead) {
        this.reminderLead = lead;
    }

    /** The configured purposes, all of which a restriction withdraws. */
    public void setPurposes(java.util.Set<String> purposes) {
        this.allPurposes = Set.copyOf(purposes);
    }

    public RequestService(DataSource dataSource, ConsentRegister register, Outbox outbox, Connectors connectors,
            Deadlines deadlines, MailOutbox mail, Templates templates, String publicUrl, String dpoEmail, Clock clock) {
        this.dataSource = dataSource;
        this.register = register;
        this.outbox = outbox;
        this.connectors = connectors;
        this.deadlines = deadlines;
        this.mail = mail;
        this.templates = templates;
        this.publicUrl = publicUrl.replaceAll("/+$", "");
        this.dpoEmail = dpoEmail;
        this.clock = clock;
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

    /**
     * Files a request; empty when the identities name two different subjects. Only identities already on record name
     * the subject ({@link IdentityCheck}; {@link RequestRefusedException} otherwise). The single-use link goes to the
     * subject's address on record; a person the register does not know gets it at the address given, and no subject
     * exists for them until they confirm. A corrected e-mail address gets a link of its own.
     */
    public Optional<DataSubjectRequest> file(Filing f) {
        IdentityCheck.Outcome who = new IdentityCheck(register).check(f.identities(), f.changes());
        if (who.conflict()) {
            return Optional.empty();
        }
        boolean unverified = !f.identityChecked() && f.type().needsIdentityCheck();
        String subjectId = who.subjectId();
        if (subjectId == null && !unverified) { // identity-checked by the operator, or no check needed: registered now
            // Only an operator's filing may bind identities together: an unproven objection registers one identity
            // (the e-mail when given), or anyone could tie a stranger's address to an identifier of their choosing.
            Optional<String> created = register.resolveSubject(f.identityChecked() ? f.identities()
                    : singleIdentity(f.identities()));
            if (created.isEmpty()) {
                return Optional.empty();
            }
            subjectId = created.get();
        }
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        String email = f.identities().get(IdentityKind.EMAIL);
        String newEmail = f.changes().get("email");
        boolean newAddress = newEmail != null && (subjectId == null || !emails(subjectId).contains(newEmail));
        String token = unverified ? token() : null;
        String newAddressToken = newAddress ? token() : null;
        boolean waiting = token != null || newAddressToken != null;
        DataSubjectRequest request = new DataSubjectRequest(id, f.type(), f.regulation(), subjectId,
                waiting ? "identity_unverified" : "pending", now, deadlines.due(f.regulation(), now), null, null,
                f.purposes(), List.of());
        KeyRing.DataKey contactKey = subjectId == null ? keys.newDataKey(id) : null;
        byte[] sealedChanges = f.changes().isEmpty() ? null : contactKey != null
                ? contactKey.key().seal(json(f.changes()), id + "/changes")
                : register.sealFor(subjectId, json(f.changes()), id + "/changes");
        run(c -> {
            store.insert(c, request, null, waiting ? now.plus(LINK_VALIDITY) : null, f.filedBy(), sealedChanges);
            if (contactKey != null) {
                links.saveContact(c, id, contactKey.wrapped(), contactKey.key().seal(email, id + "/contact"));
            }
            if (token != null) {
                links.add(c, id, ApiKeys.sha256Hex(token), RequestLinks.Purpose.IDENTITY, now.plus(LINK_VALIDITY));
            }
            if (newAddressToken != null) {
                links.add(c, id, ApiKeys.sha256Hex(newAddressToken), RequestLinks.Purpose.NEW_EMAIL,
                        now.plus(LINK_VALIDITY));
            }
            for (Connector connector : connectors.enabled()) {
                store.setVendor(c, id, connector.id(), "queued", null, now);
            }
            if (!waiting) {
                start(c, request);
            }
            // Queued with the request itself: if this commits, the person gets the link (or receipt), SMTP up or not.
            String to = f.quiet() ? null : email;
            Map<String, String> values = values(request);
            if (token != null) {
                values.put("link", publicUrl + "/verify/" + token);
                notify(c, to, Recipient.PERSON, "verification", values);
            } else {
                notify(c, to, Recipient.PERSON, "receipt", values);
            }
            if (newAddressToken != null && !f.quiet()) {
                Map<String, String> newAddressValues = values(request);
                newAddressValues.put("link", publicUrl + "/verify/" + newAddressToken);
                notify(c, newEmail, Recipient.PERSON, "verification-new-address", newAddressValues);
            }
            return null;
        });
        return find(id);
    }

    private static Map<IdentityKind, String> singleIdentity(Map<IdentityKind, String> identities) {
        IdentityKind kept = identities.containsKey(IdentityKind.EMAIL) ? IdentityKind.EMAIL
                : identities.keySet().iterator().next();
        return Map.of(kept, identities.get(kept));
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

    /** Whether the link is open (unused, unexpired, its request unverified), without using it: GET of the link. */
    public boolean isOpenLink(String token) {
        String hash = ApiKeys.sha256Hex(token);
        Instant now = clock.instant();
        return run(c -> links.peek(c, hash, now).isPresent() || links.legacyOpen(c, hash, now));
    }

    /**
     * The single-use link, used (POST of the link page): confirms the address it was sent to; once every link of the
     * request is confirmed the request starts. A person the register did not know becomes a subject now, with the
     * confirmed address only (other identities they gave were never proven).
     */
    public Confirmation verify(String token) {
        Instant now = clock.instant();
        String hash = ApiKeys.sha256Hex(token);
        return run(c -> {
            Optional<String> id = links.confirm(c, hash, now);
            if (id.isEmpty()) {
                Optional<String> legacy = store.consumeVerification(c, hash, now); // a link sent before dsr_link
                if (legacy.isPresent()) {
                    start(c, store.find(c, legacy.get()).orElseThrow());
                }
                return legacy.isPresent() ? Confirmation.STARTED : Confirmation.INVALID;
            }
            store.lock(c, id.get()); // two of its links confirmed at once: the later one sees the other and starts it
            if (links.outstanding(c, id.get()) > 0) {
                return Confirmation.RECORDED;
            }
            DataSubjectRequest r = store.find(c, id.get()).orElseThrow();
            if (r.subjectId() == null) {
                attachConfirmedPerson(c, r.id());
            }
            links.markVerified(c, r.id(), now);
            start(c, store.find(c, r.id()).orElseThrow());
            return Confirmation.STARTED;
        });
    }

    /** The request's confirmed address becomes (or finds) its subject; the request's own key is destroyed. */
    private void attachConfirmedPerson(java.sql.Connection c, String requestId) throws SQLException {
        byte[][] contact = links.contact(c, requestId).orElseThrow(() -> new IllegalStateException(
                "request " + requestId + " has neither a subject nor a contact address"));
        KeyRing.SubjectKey requestKey = keys.unwrap(requestId, contact[0]);
        String email = requestKey.open(contact[1], requestId + "/contact");
        String subjectId = register.resolveSubject(c, Map.of(IdentityKind.EMAIL, email)).orElseThrow();
        byte[] sealed = store.sealedChanges(c, requestId);
        byte[] resealed = sealed == null ? null : register.sealFor(c, subjectId,
                requestKey.open(sealed, requestId + "/changes"), requestId + "/changes");
        links.attachSubject(c, requestId, subjectId, resealed);
        links.forgetContact(c, requestId);
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
        String to = r.subjectId() == null ? contactOf(id) : emailOf(r.subjectId());
        return run(c -> {
            store.extend(c, id, due, reason, now);
            DataSubjectRequest extended = store.find(c, id).orElseThrow();
            Map<String, String> values = values(extended);
            values.put("reason", reason);
            notify(c, to, Recipient.PERSON, "extension", values);
            return extended;
        });
    }

    public DataSubjectRequest cancel(String id) {
        DataSubjectRequest r = find(id).orElseThrow();
        if (!r.isOpen()) {
            throw new IllegalStateException("request is " + r.status());
        }
        Instant now = clock.instant();
        run(c -> {
            store.setStatus(c, id, "cancelled", now);
            links.forgetContact(c, id);
            outbox.skipRequest(c, id);
            for (DataSubjectRequest.VendorProgress v : r.vendors()) {
                if (!FINAL_VENDOR.contains(v.status())) {
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
        closeExpiredUnverified();
        Instant now = clock.instant();
        // Each notice is queued in the transaction that marks it as given: never marked and lost, never sent twice.
        run(c -> {
            for (String id : store.takeDue(c, "reminded_at", now.plus(reminderLead), now)) {
                notifyDpo(c, store.find(c, id).orElseThrow(), "dpo-reminder");
            }
            return null;
        });
        List<String> overdue = run(c -> {
            List<String> ids = store.takeDue(c, "overdue_notified_at", now, now);
            for (String id : ids) {
                notifyDpo(c, store.find(c, id).orElseThrow(), "dpo-overdue");
            }
            return ids;
        });
        if (!overdue.isEmpty()) {
            LOG.warn("{} data-subject request(s) are overdue: {}", overdue.size(), String.join(", ", overdue));
        }
        return overdue.size();
    }

    private void notifyDpo(java.sql.Connection c, DataSubjectRequest r, String template) throws SQLException {
        Map<String, String> values = values(r);
        values.put("status", r.status());
        notify(c, dpoEmail, Recipient.DPO, template, values);
    }

    /**
     * The identity link could not be delivered (the server refused the address for good): the request cannot go on
     * by itself, so it waits for a person as {@code action_required} (the DPO is told by the mail sender).
     */
    @Override
    public void onRefused(java.sql.Connection c, MailOutbox.Queued refused) throws SQLException {
        if (!refused.kind().equals("verification") || refused.requestId() == null) {
            return;
        }
        store.lock(c, refused.requestId());
        Optional<DataSubjectRequest> r = store.find(c, refused.requestId());
        if (r.isPresent() && r.get().status().equals("identity_unverified")) {
            store.setStatus(c, refused.requestId(), "action_required", clock.instant());
            LOG.warn("Request {}: the identity link was refused by the mail server; the request needs action",
                    refused.requestId());
        }
    }

    /**
     * A vendor without an API answered by e-mail: its part of the request takes the status read from the reply,
     * and the request finishes if that was the last open part.
     */
    public boolean vendorReply(String requestId, String connector, String status, String detail) {
        Instant now = clock.instant();
        return run(c -> {
            store.lock(c, requestId);
            Optional<DataSubjectRequest> r = store.find(c, requestId);
            boolean waiting = r.isPresent() && r.get().status().equals("in_progress") && r.get().vendors().stream()
                    .anyMatch(v -> v.vendor().equals(connector) && v.status().equals("submitted"));
            if (!waiting) {
                return false;
            }
            store.setVendor(c, requestId, connector, status, detail, now);
            DataSubjectRequest updated = store.find(c, requestId).orElseThrow();
            if (updated.vendors().stream().allMatch(v -> FINAL_VENDOR.contains(v.status()))) {
                finish(c, updated);
            }
            return true;
        });
    }

    /** Vendors asked by e-mail that have not answered for {@code after}: asked again, once per period. */
    public int remindSilentVendors(Duration after, java.util.function.BiConsumer<String, Map<String, String>> remind) {
        Instant now = clock.instant();
        List<String[]> silent = run(c -> store.silentVendors(c, now.minus(after), now));
        for (String[] s : silent) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("ref", s[0] + "/" + s[1]);
            values.put("action", switch (s[2]) { // "our erasure request", not "our erase request"
                case "erase" -> "erasure";
                case "export" -> "access";
                case "rectify" -> "rectification";
                case "opt_out" -> "opt-out";
                default -> s[2];
            });
            values.put("sentAt", s[3]);
            remind.accept(s[1], values);
        }
        return silent.size();
    }

    /** Closes unverified requests whose link expired. */
    public int closeExpiredUnverified() {
        Instant now = clock.instant();
        return run(c -> {
            List<String> ids = store.expiredUnverified(c, now);
            for (String id : ids) {
                store.setStatus(c, id, "cancelled", now);
                links.forgetContact(c, id);
                DataSubjectRequest r = store.find(c, id).orElseThrow();
                for (DataSubjectRequest.VendorProgress v : r.vendors()) {
                    store.setVendor(c, id, v.vendor(), "skipped", "identity not confirmed in time", now);
                }
            }
            return ids.size();
        });
    }

    public Optional<DataSubjectRequest> find(String id) {
        return run(c -> store.find(c, id));
    }

    private void start(java.sql.Connection c, DataSubjectRequest r) throws SQLException {
        switch (r.type()) {
            case ERASURE -> startVendorCommands(c, r, "erase");
            case ACCESS -> startVendorCommands(c, r, "export");
            case RECTIFICATION -> startVendorCommands(c, r, "rectify");
            case OBJECTION -> withdraw(c, r, r.purposes());
            case RESTRICTION -> withdraw(c, r, List.copyOf(new java.util.TreeSet<>(allPurposes)));
            default -> throw new IllegalStateException(r.type().wire() + " requests are not executed by this version");
        }
    }

    /**
     * Objection (Art. 21) and restriction (Art. 18): the purposes are withdrawn in the register, with the request as
     * the source, so every vendor mapping them gets the opt-out through the outbox like any withdrawal. The data
     * stays where it is. A restriction is lifted only by an admin (cancel); lifting grants nothing back.
     */
    private void withdraw(java.sql.Connection c, DataSubjectRequest r, List<String> purposes) throws SQLException {
        List<String> events = register.recordForSubject(c, r.subjectId(), purposes,
                io.lethe.register.ConsentStatus.WITHDRAWN, io.lethe.register.LawfulBasis.CONSENT, "request:" + r.id());
        List<String> touched = outbox.attachToRequest(c, events, r.id());
        Instant now = clock.instant();
        for (Connector connector : connectors.enabled()) {
            if (!touched.contains(connector.id())) {
                store.setVendor(c, r.id(), connector.id(), "skipped", "no purpose of this request maps here", now);
            }
        }
        store.setStatus(c, r.id(), touched.isEmpty() ? "pending" : "in_progress", now);
        if (touched.isEmpty()) {
            finish(c, store.find(c, r.id()).orElseThrow());
        }
    }

    /** Erasure and access: one command per enabled connector, through the outbox like every vendor call. */
    private void startVendorCommands(java.sql.Connection c, DataSubjectRequest r, String action) throws SQLException {
        List<Outbox.NewCommand> commands = new ArrayList<>();
        for (Connector connector : connectors.enabled()) {
            commands.add(new Outbox.NewCommand(connector.id(), r.subjectId(), action, null, null, r.id()));
        }
        outbox.enqueue(c, commands);
        store.setStatus(c, r.id(), commands.isEmpty() ? "pending" : "in_progress", clock.instant());
        if (commands.isEmpty()) {
            finish(c, store.find(c, r.id()).orElseThrow());
        }
    }

    /**
     * Dispatch finished commands of requests: each vendor's part is recorded; when every vendor has answered, the
     * request finishes (and an erasure crypto-shreds the subject) in the same transaction.
     */
    @Override
    public void onFinished(java.sql.Connection c, List<Command> commands, List<Outbox.Result> results)
            throws SQLException {
        Map<Long, Outbox.Result> byId = new HashMap<>();
        results.forEach(r -> byId.put(r.commandId(), r));
        Instant now = clock.instant();
        Set<String> touched = new java.util.LinkedHashSet<>();
        // Lock the requests first, in a fixed order (no deadlock between two vendors' batches).
        for (String id : commands.stream().map(Command::requestId).filter(id -> id != null).distinct().sorted().toList()) {
            store.lock(c, id);
        }
        for (Command cmd : commands) {
            if (cmd.requestId() == null || !byId.containsKey(cmd.id())) {
                continue;
            }
            Outbox.Result r = byId.get(cmd.id());
            store.setVendor(c, cmd.requestId(), cmd.connector(), vendorStatus(r), r.detail(), now);
            if (r.data() != null) { // an access export: personal data, sealed with the subject's key
                store.saveExport(c, cmd.requestId(), cmd.connector(),
                        register.sealFor(cmd.subjectId(), r.data(), cmd.requestId() + "/" + cmd.connector()));
            }
            touched.add(cmd.requestId());
        }
        for (String id : touched) {
            DataSubjectRequest r = store.find(c, id).orElseThrow();
            if (r.status().equals("in_progress") && r.vendors().stream().allMatch(v -> FINAL_VENDOR.contains(v.status()))) {
                finish(c, r);
            }
        }
    }

    private static String vendorStatus(Outbox.Result r) {
        if (r.status().equals("action_required")) {
            return "action_required";
        }
        return switch (r.outcome() == null ? "" : r.outcome()) {
            case "verified" -> "verified";
            case "not_found" -> "not_found";
            case "skipped" -> "skipped";
            case "submitted" -> "submitted";
            case "still_present" -> "failed";
            default -> "completed";
        };
    }

    private void finish(java.sql.Connection c, DataSubjectRequest r) throws SQLException {
        boolean clean = r.vendors().stream().noneMatch(v -> v.status().equals("failed")
                || v.status().equals("action_required"));
        Instant now = clock.instant();
        if (clean && r.type() == RequestType.ERASURE) {
            String email = emails(r.subjectId()).stream().findFirst().orElse(null);
            register.shred(c, r.subjectId(), r.id());
            store.setStatus(c, r.id(), "completed", now);
            Map<String, String> values = values(r);
            values.put("summary", "Your personal data has been erased from our systems and from "
                    + r.vendors().size() + " connected service(s).");
            notify(c, email, Recipient.PERSON, "completion", values); // the address was read before it was shredded
        } else if (clean && r.type() == RequestType.RECTIFICATION) {
            Map<String, String> changes = changes(c, r.id(), r.subjectId());
            try {
                if (changes.containsKey("email")) {
                    register.replaceIdentity(c, r.subjectId(), IdentityKind.EMAIL, changes.get("email"));
                }
                if (changes.containsKey("phone")) {
                    register.replaceIdentity(c, r.subjectId(), IdentityKind.PHONE, changes.get("phone"));
                }
            } catch (IdentityTakenException e) { // became another subject's after filing: a person decides
                store.setStatus(c, r.id(), "action_required", now);
                Map<String, String> values = values(r);
                values.put("summary", "The corrected " + e.kind().field() + " now belongs to another subject in the"
                        + " register; the register was not changed.\n");
                notify(c, dpoEmail, Recipient.DPO, "dpo-action-required", values);
                return;
            }
            store.setStatus(c, r.id(), "completed", now);
            Map<String, String> values = values(r);
            values.put("summary", "Your corrected details are now used by us and by " + r.vendors().size()
                    + " connected service(s).");
            notify(c, changes.getOrDefault("email", emailOf(r.subjectId())), Recipient.PERSON, "completion", values);
        } else if (clean && r.type() == RequestType.ACCESS) {
            store.setStatus(c, r.id(), "completed", now);
            Map<String, String> values = values(r);
            values.put("summary", "A copy of the personal data we and " + r.vendors().size()
                    + " connected service(s) hold about you is ready; we will send it to you securely.");
            notify(c, emailOf(r.subjectId()), Recipient.PERSON, "completion", values);
        } else if (clean) {
            store.setStatus(c, r.id(), "completed", now);
            Map<String, String> values = values(r);
            values.put("summary", "Processing for " + (r.purposes().isEmpty() ? "every purpose" : String.join(", ",
                    r.type() == RequestType.RESTRICTION ? new java.util.TreeSet<>(allPurposes) : r.purposes()))
                    + " has stopped in our systems and in every connected service that uses it.");
            notify(c, emailOf(r.subjectId()), Recipient.PERSON, "completion", values);
        } else {
            store.setStatus(c, r.id(), "action_required", now);
            Map<String, String> values = values(r);
            StringBuilder summary = new StringBuilder();
            r.vendors().forEach(v -> summary.append("  ").append(v.vendor()).append(": ").append(v.status())
                    .append(v.detail() == null ? "" : " (" + v.detail() + ")").append('\n'));
            values.put("summary", summary.toString());
            notify(c, dpoEmail, Recipient.DPO, "dpo-action-required", values);
        }
    }

    /** The corrected fields of a rectification, for the vendor call of one of its commands. */
    public Map<String, String> changesFor(Command command) {
        return command.requestId() == null ? Map.of() : run(c -> changes(c, command.requestId(), command.subjectId()));
    }

    /** The regulation (GDPR, CCPA) of the request a command belongs to, for vendors that record it; null without one. */
    public String regulationFor(Command command) {
        return command.requestId() == null ? null
                : run(c -> store.find(c, command.requestId()).map(r -> r.regulation().name()).orElse(null));
    }

    private Map<String, String> changes(java.sql.Connection c, String requestId, String subjectId) throws SQLException {
        byte[] sealed = store.sealedChanges(c, requestId);
        if (sealed == null) {
            return Map.of();
        }
        String opened = register.openFor(subjectId, sealed, requestId + "/changes").orElse("{}");
        try {
            Map<String, String> out = new LinkedHashMap<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(opened).fields()
                    .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("stored changes are not readable", e);
        }
    }

    private static String json(Map<String, String> map) {
        com.fasterxml.jackson.databind.node.ObjectNode node = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode();
        map.forEach(node::put);
        return node.toString();
    }

    /**
     * The access package (GDPR Art. 15/20): the register's own data about the subject and, per vendor, what it
     * returned with the data categories its descriptor declares.
     */
    public Map<String, Object> exportPackage(DataSubjectRequest r) {
        Map<String, byte[]> sealed = run(c -> store.exports(c, r.id()));
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, Object> vendors = new LinkedHashMap<>();
        for (DataSubjectRequest.VendorProgress v : r.vendors()) {
            Map<String, Object> section = new LinkedHashMap<>();
            connectors.known().stream().filter(d -> d.id().equals(v.vendor())).findFirst().ifPresent(d -> {
                section.put("title", d.title());
                section.put("dataCategories", d.dataCategories());
            });
            section.put("status", v.status());
            byte[] data = sealed.get(v.vendor());
            Object records = List.of();
            if (data != null) {
                String opened = register.openFor(r.subjectId(), data, r.id() + "/" + v.vendor()).orElse("[]");
                try {
                    records = json.readTree(opened);
                } catch (Exception e) {
                    throw new IllegalStateException("stored export is not readable", e);
                }
            }
            section.put("records", records);
            vendors.put(v.vendor(), section);
        }
        Map<String, Object> registerData = new LinkedHashMap<>();
        registerData.put("identities", register.identities(r.subjectId()));
        registerData.put("consentHistory", register.history(r.subjectId()).orElse(List.of()).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eventId", e.eventId());
            m.put("purpose", e.purpose());
            m.put("status", e.status().wire());
            m.put("lawfulBasis", e.lawfulBasis());
            m.put("source", e.source());
            m.put("capturedAt", e.capturedAt().toString());
            m.put("recordedAt", e.recordedAt().toString());
            m.put("evidence", e.evidence());
            return m;
        }).toList());
        registerData.put("dataCategories", List.of("identities (e-mail, external id, phone)",
                "consent decisions with their evidence (notice version, IP address, user agent)"));
        Map<String, Object> pkg = new LinkedHashMap<>();
        pkg.put("requestId", r.id());
        pkg.put("subjectId", r.subjectId());
        pkg.put("generatedAt", clock.instant().toString());
        pkg.put("register", registerData);
        pkg.put("vendors", vendors);
        return pkg;
    }

    private List<String> emails(String subjectId) {
        return register.emails(List.of(subjectId)).getOrDefault(subjectId, List.of());
    }

    private String emailOf(String subjectId) {
        return subjectId == null ? null : emails(subjectId).stream().findFirst().orElse(null);
    }

    /** The address of a person not in the register yet, opened from their request. */
    private String contactOf(String requestId) {
        return run(c -> links.contact(c, requestId)
                .map(k -> keys.unwrap(requestId, k[0]).open(k[1], requestId + "/contact")).orElse(null));
    }

    private Map<String, String> values(DataSubjectRequest r) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("requestId", r.id());
        v.put("type", r.type().wire());
        v.put("aType", Templates.withArticle(r.type().wire()));
        v.put("receivedAt", r.receivedAt().toString());
        v.put("dueAt", r.dueAt().toString());
        return v;
    }

    /** Queues the mail in the caller's transaction: it goes out if and only if the change that causes it commits. */
    private void notify(java.sql.Connection c, String to, Recipient recipient, String template,
            Map<String, String> values) throws SQLException {
        if (to == null || to.isBlank()) {
            return;
        }
        Templates.Message m = templates.render(template, values);
        mail.enqueue(c, template, recipient, values.get("requestId"), new OutgoingMail(to, m.subject(), m.body()));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private <T> T run(Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new RegisterException("request operation failed", e);
        }
    }
}
