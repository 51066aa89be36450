package io.lethe.requests;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.db.Sql;
import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;
import io.lethe.register.KeyRing;
import io.lethe.requests.RequestService.Confirmation;
import io.lethe.requests.RequestService.Filing;

/**
 * Filing a request and confirming it: who it is for ({@link IdentityCheck}), the single-use links that prove the
 * person's address, and the start once every link is confirmed.
 */
final class RequestFiling {

    static final java.time.Duration LINK_VALIDITY = java.time.Duration.ofDays(7);

    private final DataSource dataSource;
    private final ConsentRegister register;
    private final Connectors connectors;
    private final Deadlines deadlines;
    private final RequestStore store;
    private final RequestLinks links;
    private final RequestNotices notices;
    private final RequestExecution execution;
    private final String publicUrl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private KeyRing keys;

    RequestFiling(DataSource dataSource, ConsentRegister register, Connectors connectors, Deadlines deadlines,
            RequestStore store, RequestLinks links, RequestNotices notices, RequestExecution execution,
            String publicUrl, Clock clock) {
        this.dataSource = dataSource;
        this.register = register;
        this.connectors = connectors;
        this.deadlines = deadlines;
        this.store = store;
        this.links = links;
        this.notices = notices;
        this.execution = execution;
        this.publicUrl = publicUrl.replaceAll("/+$", "");
        this.clock = clock;
    }

    void setKeys(KeyRing keys) {
        this.keys = keys;
    }

    /** See {@link RequestService#file}; returns the new request's id. */
    Optional<String> file(Filing f) {
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
        boolean newAddress = newEmail != null && (subjectId == null || !notices.emails(subjectId).contains(newEmail));
        String token = unverified ? token() : null;
        String newAddressToken = newAddress ? token() : null;
        boolean waiting = token != null || newAddressToken != null;
        DataSubjectRequest request = new DataSubjectRequest(id, f.type(), f.regulation(), subjectId,
                waiting ? RequestStatus.IDENTITY_UNVERIFIED : RequestStatus.PENDING, now, deadlines.due(f.regulation(), now), null, null,
                f.purposes(), List.of());
        KeyRing.DataKey contactKey = subjectId == null ? keys.newDataKey(id) : null;
        byte[] sealedChanges = f.changes().isEmpty() ? null : contactKey != null
                ? contactKey.key().seal(Changes.json(f.changes()), id + "/changes")
                : register.sealFor(subjectId, Changes.json(f.changes()), id + "/changes");
        Sql.transaction(dataSource, "filing a request", c -> {
            store.insert(c, request, null, waiting ? now.plus(LINK_VALIDITY) : null, f.filedBy(), sealedChanges);
            if (contactKey != null) {
                links.saveContact(c, id, contactKey.wrapped(), contactKey.key().seal(email, id + "/contact"));
            }
            if (token != null) {
                links.add(c, id, RequestLinks.hash(token), RequestLinks.Purpose.IDENTITY, now.plus(LINK_VALIDITY));
            }
            if (newAddressToken != null) {
                links.add(c, id, RequestLinks.hash(newAddressToken), RequestLinks.Purpose.NEW_EMAIL,
                        now.plus(LINK_VALIDITY));
            }
            for (Connector connector : connectors.enabled()) {
                store.setVendor(c, id, connector.id(), "queued", null, now);
            }
            if (!waiting) {
                execution.start(c, request);
            }
            // Queued with the request itself: if this commits, the person gets the link (or receipt), SMTP up or not.
            String to = f.quiet() ? null : email;
            Map<String, String> values = notices.values(request);
            if (token != null) {
                values.put("link", publicUrl + "/verify/" + token);
                notices.toPerson(c, to, "verification", values);
            } else {
                notices.toPerson(c, to, "receipt", values);
            }
            if (newAddressToken != null && !f.quiet()) {
                Map<String, String> newAddressValues = notices.values(request);
                newAddressValues.put("link", publicUrl + "/verify/" + newAddressToken);
                notices.toPerson(c, newEmail, "verification-new-address", newAddressValues);
            }
            return null;
        });
        return Optional.of(id);
    }

    private static Map<IdentityKind, String> singleIdentity(Map<IdentityKind, String> identities) {
        IdentityKind kept = identities.containsKey(IdentityKind.EMAIL) ? IdentityKind.EMAIL
                : identities.keySet().iterator().next();
        return Map.of(kept, identities.get(kept));
    }

    /** Whether the link is open (unused, unexpired, its request unverified), without using it: GET of the link. */
    boolean isOpenLink(String token) {
        String hash = RequestLinks.hash(token);
        Instant now = clock.instant();
        return Sql.transaction(dataSource, "reading a link", c -> links.peek(c, hash, now).isPresent()
                || links.legacyOpen(c, hash, now));
    }

    /** See {@link RequestService#verify}. */
    Confirmation verify(String token) {
        Instant now = clock.instant();
        String hash = RequestLinks.hash(token);
        return Sql.transaction(dataSource, "confirming a link", c -> {
            Optional<String> id = links.confirm(c, hash, now);
            if (id.isEmpty()) {
                Optional<String> legacy = store.consumeVerification(c, hash, now); // a link sent before dsr_link
                if (legacy.isPresent()) {
                    execution.start(c, store.find(c, legacy.get()).orElseThrow());
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
            execution.start(c, store.find(c, r.id()).orElseThrow());
            return Confirmation.STARTED;
        });
    }

    /** The request's confirmed address becomes (or finds) its subject; the request's own key is destroyed. */
    private void attachConfirmedPerson(Connection c, String requestId) throws SQLException {
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

    /** The address of a person not in the register yet, opened from their request. */
    String contactOf(String requestId) {
        return Sql.transaction(dataSource, "reading a contact address", c -> links.contact(c, requestId)
                .map(k -> keys.unwrap(requestId, k[0]).open(k[1], requestId + "/contact")).orElse(null));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
