package io.lethe.register;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.db.Transactions;

/**
 * The consent register: subjects, their sealed identities, and their append-only consent events.
 * Recording is set-based (a few queries and three JDBC batches per call, whatever the number of events) so the
 * batch API stays close to raw JDBC speed.
 */
public final class ConsentRegister {

    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private final KeyRing keys;
    private final Clock clock;
    private final List<ConsentListener> listeners;
    private final CurrentConsents currentConsents;
    private final ConsentHistory consentHistory;
    private final SubjectData subjectData;
    private final SubjectShredder shredder;
    private final ContactMatcher matcher;
    private final SubjectLookups lookups;

    public ConsentRegister(DataSource dataSource, KeyRing keys, Clock clock, List<ConsentListener> listeners) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.currentConsents = new CurrentConsents(dataSource, keys);
        this.consentHistory = new ConsentHistory(dataSource, keys);
        this.subjectData = new SubjectData(dataSource, keys);
        this.shredder = new SubjectShredder(clock);
        this.matcher = new ContactMatcher(dataSource, keys);
        this.lookups = new SubjectLookups(dataSource, keys);
    }

    public ConsentRegister(DataSource dataSource, KeyRing keys, Clock clock) {
        this(dataSource, keys, clock, List.of());
    }

    /** Told, after commit, of the subjects one recording recreated for identities in the suppression register. */
    @FunctionalInterface
    public interface ReimportListener {
        void onReimported(List<Reimport> reimports);
    }

    /** A subject recreated by a consent event after the erasure {@code erasureRequestId}. */
    public record Reimport(String subjectId, String erasureRequestId) {
    }

    private ReimportListener reimportListener = reimports -> { };

    public void setReimportListener(ReimportListener listener) {
        this.reimportListener = listener;
    }

    /**
     * Records the events in one transaction and returns one outcome per event, in order. Two callers creating the
     * same new subject at once collide on the identity's primary key; the loser retries and finds the winner's subject.
     */
    public List<RecordOutcome> record(List<NewConsent> consents) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                ConsentRecording[] recording = new ConsentRecording[1];
                List<RecordOutcome> outcomes = Transactions.inTransaction(dataSource, connection -> {
                    recording[0] = new ConsentRecording(connection, keys, clock, listeners);
                    return recording[0].run(consents);
                });
                if (!recording[0].reimported.isEmpty()) {
                    reimportListener.onReimported(recording[0].reimported.stream()
                            .map(r -> new Reimport(r[0], r[1])).toList());
                }
                return outcomes;
            } catch (SQLException e) {
                if (!isUniqueViolation(e)) {
                    throw new RegisterException("recording consent failed", e);
                }
                last = e;
            }
        }
        throw new RegisterException("recording consent kept colliding with concurrent writers", last);
    }

    /**
     * The subject these identities name, created (with no consent on record) when none does; empty when they name
     * two different subjects, or one subject that lacks some of them (identities are linked only explicitly, see
     * {@link IdentityLinks}).
     */
    public Optional<String> resolveSubject(Map<IdentityKind, String> identities) {
        SQLException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return Optional.ofNullable(Transactions.inTransaction(dataSource, c -> new ConsentRecording(c, keys, clock, listeners).resolve(identities)));
            } catch (SQLException e) {
                if (!isUniqueViolation(e)) {
                    throw new RegisterException("resolving a subject failed", e);
                }
                last = e;
            }
        }
        throw new RegisterException("resolving a subject kept colliding with concurrent writers", last);
    }

    /** As {@link #resolveSubject(Map)}, in the caller's transaction. */
    public Optional<String> resolveSubject(Connection c, Map<IdentityKind, String> identities) throws SQLException {
        return Optional.ofNullable(new ConsentRecording(c, keys, clock, listeners).resolve(identities));
    }

    /**
     * Records, in the caller's transaction, one event per purpose for a known subject, without evidence (the request
     * that causes them is the evidence, named in {@code source}). Listeners (the outbox) run in the same transaction.
     * Returns the event ids.
     */
    public List<String> recordForSubject(Connection c, String subjectId, List<String> purposes, ConsentStatus status,
            String lawfulBasis, String source) throws SQLException {
        return recordForSubject(c, subjectId, purposes, status, lawfulBasis, source, Evidence.NONE);
    }

    /** As above, with evidence (sealed with the subject's key). */
    public List<String> recordForSubject(Connection c, String subjectId, List<String> purposes, ConsentStatus status,
            String lawfulBasis, String source, Evidence evidence) throws SQLException {
        Instant now = clock.instant();
        List<EventRow> rows = new ArrayList<>();
        Optional<KeyRing.SubjectKey> key = evidence.isEmpty() ? Optional.empty() : subjectData.subjectKey(subjectId);
        for (String purpose : purposes) { // the hub's own source (request:<id>, vendor:<id>): kept readable
            String eventId = UUID.randomUUID().toString();
            rows.add(new EventRow(eventId, subjectId, purpose, status, lawfulBasis, source, null, now, now,
                    key.map(k -> k.seal(Evidence.json(evidence), eventId)).orElse(null)));
        }
        List<ConsentListener.RecordedConsent> recorded = ConsentEventWriter.write(c, rows);
        for (ConsentListener listener : listeners) {
            listener.onRecorded(c, recorded);
        }
        return recorded.stream().map(ConsentListener.RecordedConsent::eventId).toList();
    }

    /**
     * Crypto-shreds a subject within the caller's transaction: its data key is destroyed (so its sealed identities
     * and consent evidence can never be opened again), its identities are removed, and their keyed lookup hashes go
     * to the suppression register with the request that erased them ({@link SubjectShredder}).
     */
    public int shred(Connection c, String subjectId, String requestId) throws SQLException {
        return shredder.shred(c, subjectId, requestId);
    }

    /**
     * Rectification in the register, in the caller's transaction: the subject's identities of this kind are replaced
     * by the corrected value; {@link IdentityTakenException} when it has become another subject's.
     */
    public void replaceIdentity(Connection c, String subjectId, IdentityKind kind, String normalisedValue)
            throws SQLException {
        subjectData.replaceIdentity(c, subjectId, kind, normalisedValue);
    }

    /** Seals personal data (an access export) with the subject's own key, so erasure shreds it too. */
    public byte[] sealFor(String subjectId, String plaintext, String boundTo) {
        return subjectData.sealFor(subjectId, plaintext, boundTo);
    }

    /** As {@link #sealFor(String, String, String)}, reading the key in the caller's transaction (a subject it created). */
    public byte[] sealFor(Connection c, String subjectId, String plaintext, String boundTo) throws SQLException {
        return subjectData.sealFor(c, subjectId, plaintext, boundTo);
    }

    /** Opens what {@link #sealFor} sealed; empty once the subject is erased. */
    public Optional<String> openFor(String subjectId, byte[] sealed, String boundTo) {
        return subjectData.openFor(subjectId, sealed, boundTo);
    }

    /** Every identity of the subject, opened: kind field name to values. */
    public Map<String, List<String>> identities(String subjectId) {
        return subjectData.identities(subjectId);
    }

    /** The e-mail addresses of each subject that has one, opened for a vendor call. Personal data: never log it. */
    public Map<String, List<String>> emails(Collection<String> subjectIds) {
        return subjectData.emails(subjectIds);
    }

    /** The identities of one kind of each subject that has one, opened for a vendor call. Never log them. */
    public Map<String, List<String>> identities(Collection<String> subjectIds, IdentityKind kind) {
        return subjectData.identities(subjectIds, kind);
    }

    /** What the register knows of one e-mail address, for reconciliation. */
    public record EmailMatch(String subjectId, boolean suppressed, ConsentStatus status) {
    }

    /**
     * For a page of normalised addresses: the subject each belongs to, whether it is in the suppression register, and
     * the subject's current state for {@code purpose} ({@link ContactMatcher}).
     */
    public Map<String, EmailMatch> match(Collection<String> emails, String purpose) {
        return matcher.match(emails, purpose);
    }

    /** Marks a subject first seen in a vendor with no consent on record (the risk report lists them). */
    public void flagUnconsented(String subjectId, String source) {
        lookups.flagUnconsented(subjectId, source);
    }

    /** Whether an identity belongs to someone erased earlier (the suppression register). */
    public boolean isSuppressed(IdentityKind kind, String normalisedValue) {
        return lookups.isSuppressed(kind, normalisedValue);
    }

    public Optional<String> findSubject(IdentityKind kind, String normalisedValue) {
        return lookups.findSubject(kind, normalisedValue);
    }

    public boolean exists(String subjectId) {
        return lookups.exists(subjectId);
    }

    /** Current state per purpose (from the state table), or empty when the subject is unknown. */
    public Optional<List<ConsentState>> currentConsents(String subjectId) {
        return currentConsents.read(subjectId);
    }

    /** Every event of the subject in effective order, evidence opened; empty when the subject is unknown. */
    public Optional<List<ConsentEvent>> history(String subjectId) {
        return consentHistory.all(subjectId);
    }

    /**
     * One page of the subject's history in effective order: at most {@code limit} events after position
     * {@code after} (null: from the first); empty when the subject is unknown.
     *
     * @throws UnknownHistoryCursorException when {@code after} is no position in this subject's history
     */
    public Optional<HistoryPage> history(String subjectId, Long after, int limit) {
        return consentHistory.page(subjectId, after, limit);
    }

    static boolean isUniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && cause != e && isUniqueViolation(cause);
    }
}
