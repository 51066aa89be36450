package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.db.Transactions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The consent register: subjects, their sealed identities, and their append-only consent events.
 * Recording is set-based (a few queries and three JDBC batches per call, whatever the number of events) so the
 * batch API stays close to raw JDBC speed.
 */
public final class ConsentRegister {

    private static final int IN_LIST_CHUNK = 500;
    /** H2 checks each row against an IN list one element at a time: short lists keep reconciliation linear. */
    private static final int MATCH_CHUNK = 100;
    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private final KeyRing keys;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final List<ConsentListener> listeners;
    private final CurrentConsents currentConsents;
    private final ConsentHistory consentHistory;

    public ConsentRegister(DataSource dataSource, KeyRing keys, Clock clock, List<ConsentListener> listeners) {
        this.dataSource = dataSource;
        this.keys = keys;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.currentConsents = new CurrentConsents(dataSource, keys);
        this.consentHistory = new ConsentHistory(dataSource, keys);
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
                Recording[] recording = new Recording[1];
                List<RecordOutcome> outcomes = Transactions.inTransaction(dataSource, connection -> {
                    recording[0] = new Recording(connection);
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
                return Optional.ofNullable(Transactions.inTransaction(dataSource, c -> new Recording(c).resolve(identities)));
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
        return Optional.ofNullable(new Recording(c).resolve(identities));
    }

    /**
     * Crypto-shreds a subject within the caller's transaction: its data key is destroyed (so its sealed identities
     * and consent evidence can never be opened again), its identities are removed, and their keyed lookup hashes go
     * to the suppression register with the request that erased them. Consent history keeps only ids, purposes,
     * dates and the hub's own sources: callers' free-text sources go with the key (see {@link SealedSources}).
     */
    public int shred(Connection c, String subjectId, String requestId) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        int identities;
        try (PreparedStatement ps = c.prepareStatement("insert into suppression (lookup_hash, kind, request_id, erased_at)"
                + " select lookup_hash, kind, ?, ? from subject_identity i where subject_id = ? and not exists"
                + " (select 1 from suppression s where s.lookup_hash = i.lookup_hash)")) {
            ps.setString(1, requestId);
            ps.setObject(2, now);
            ps.setString(3, subjectId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("delete from subject_identity where subject_id = ?")) {
            ps.setString(1, subjectId);
            identities = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("update subject set data_key = null where id = ?")) {
            ps.setString(1, subjectId);
            ps.executeUpdate();
        }
        SealedSources.blank(c, subjectId);
        return identities;
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
        Optional<KeyRing.SubjectKey> key = evidence.isEmpty() ? Optional.empty() : subjectKey(subjectId);
        for (String purpose : purposes) { // the hub's own source (request:<id>, vendor:<id>): kept readable
            String eventId = UUID.randomUUID().toString();
            rows.add(new EventRow(eventId, subjectId, purpose, status, lawfulBasis, source, null, now, now,
                    key.map(k -> k.seal(writeEvidence(evidence), eventId)).orElse(null)));
        }
        List<ConsentListener.RecordedConsent> recorded = ConsentEventWriter.write(c, rows);
        for (ConsentListener listener : listeners) {
            listener.onRecorded(c, recorded);
        }
        return recorded.stream().map(ConsentListener.RecordedConsent::eventId).toList();
    }

    /**
     * Rectification in the register, in the caller's transaction: the subject's identities of this kind are replaced
     * by the corrected value (sealed, with its new lookup hash).
     */
    public void replaceIdentity(Connection c, String subjectId, IdentityKind kind, String normalisedValue)
            throws SQLException {
        KeyRing.SubjectKey key = subjectKey(subjectId).orElseThrow(() -> new IllegalStateException("subject erased"));
        String hash = keys.lookupHash(kind, normalisedValue);
        // The value may have become another subject's since the request was filed: never take it from them.
        Optional<String> owner = findSubject(c, hash);
        if (owner.isPresent() && !owner.get().equals(subjectId)) {
            throw new IdentityTakenException(kind);
        }
        try (PreparedStatement ps = c.prepareStatement("delete from subject_identity where subject_id = ? and kind = ?")) {
            ps.setString(1, subjectId);
            ps.setString(2, kind.name());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into subject_identity (lookup_hash, subject_id, kind, sealed_value) values (?, ?, ?, ?)")) {
            ps.setString(1, hash);
            ps.setString(2, subjectId);
            ps.setString(3, kind.name());
            ps.setBytes(4, key.seal(normalisedValue, subjectId + "/" + kind));
            ps.executeUpdate();
        }
    }

    /** Seals personal data (an access export) with the subject's own key, so erasure shreds it too. */
    public byte[] sealFor(String subjectId, String plaintext, String boundTo) {
        return subjectKey(subjectId).orElseThrow(() -> new IllegalStateException("subject has been erased"))
                .seal(plaintext, boundTo);
    }

    /** As {@link #sealFor(String, String, String)}, reading the key in the caller's transaction (a subject it created). */
    public byte[] sealFor(Connection c, String subjectId, String plaintext, String boundTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select data_key from subject where id = ?")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getBytes(1) == null) {
                    throw new IllegalStateException("subject has been erased");
                }
                return keys.unwrap(subjectId, rs.getBytes(1)).seal(plaintext, boundTo);
            }
        }
    }

    /** Opens what {@link #sealFor} sealed; empty once the subject is erased. */
    public Optional<String> openFor(String subjectId, byte[] sealed, String boundTo) {
        return subjectKey(subjectId).map(k -> k.open(sealed, boundTo));
    }

    /** Every identity of the subject, opened: kind field name to values. */
    public Map<String, List<String>> identities(String subjectId) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Optional<KeyRing.SubjectKey> key = subjectKey(subjectId);
        if (key.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select kind, sealed_value from subject_identity where subject_id = ? order by kind")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    IdentityKind kind = IdentityKind.valueOf(rs.getString(1));
                    out.computeIfAbsent(kind.field(), k -> new ArrayList<>())
                            .add(key.get().open(rs.getBytes(2), subjectId + "/" + kind));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new RegisterException("reading identities failed", e);
        }
    }

    private Optional<KeyRing.SubjectKey> subjectKey(String subjectId) {
        Optional<byte[]> wrapped = query("select data_key from subject where id = ?", ps -> ps.setString(1, subjectId),
                rs -> rs.getBytes(1));
        return wrapped.map(w -> keys.unwrap(subjectId, w));
    }

    /** What the register knows of one e-mail address, for reconciliation. */
    public record EmailMatch(String subjectId, boolean suppressed, ConsentStatus status) {
    }

    /**
     * For a page of normalised addresses: the subject each belongs to, whether it is in the suppression register, and
     * the subject's current state for {@code purpose}. A few set-based queries per page, so a million vendor contacts
     * stream through in bounded memory.
     */
    public Map<String, EmailMatch> match(Collection<String> emails, String purpose) {
        Map<String, String> hashToEmail = new HashMap<>();
        emails.forEach(e -> hashToEmail.put(keys.lookupHash(IdentityKind.EMAIL, e), e));
        Map<String, String> subjectByHash = new HashMap<>();
        java.util.Set<String> suppressed = new java.util.HashSet<>();
        Map<String, ConsentStatus> status = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            List<String> hashes = List.copyOf(hashToEmail.keySet());
            forEachChunk(c, hashes, "select lookup_hash, subject_id from subject_identity where lookup_hash in ", "",
                    rs -> subjectByHash.put(rs.getString(1), rs.getString(2)));
            forEachChunk(c, hashes, "select lookup_hash from suppression where lookup_hash in ", "",
                    rs -> suppressed.add(rs.getString(1)));
            List<String> subjects = subjectByHash.values().stream().distinct().toList();
            forEachChunk(c, subjects, "select subject_id, status from consent_state where purpose = '"
                    + purpose.replace("'", "") + "' and subject_id in ", "",
                    rs -> status.put(rs.getString(1), ConsentStatus.ofWire(rs.getString(2)).orElseThrow()));
        } catch (SQLException e) {
            throw new RegisterException("matching vendor contacts failed", e);
        }
        Map<String, EmailMatch> out = new HashMap<>();
        hashToEmail.forEach((hash, email) -> {
            String subject = subjectByHash.get(hash);
            out.put(email, new EmailMatch(subject, suppressed.contains(hash), subject == null ? null : status.get(subject)));
        });
        return out;
    }

    private static void forEachChunk(Connection c, List<String> values, String prefix, String suffix,
            SqlConsumer<ResultSet> row) throws SQLException {
        for (int from = 0; from < values.size(); from += MATCH_CHUNK) {
            List<String> chunk = values.subList(from, Math.min(values.size(), from + MATCH_CHUNK));
            try (PreparedStatement ps = c.prepareStatement(prefix + "(" + "?,".repeat(chunk.size() - 1) + "?)" + suffix)) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        row.accept(rs);
                    }
                }
            }
        }
    }

    /** Marks a subject first seen in a vendor with no consent on record (the risk report lists them). */
    public void flagUnconsented(String subjectId, String source) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update subject set unconsented_source = ? where id = ? and unconsented_source is null")) {
            ps.setString(1, source);
            ps.setString(2, subjectId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RegisterException("flagging a subject failed", e);
        }
    }

    /** Whether an identity belongs to someone erased earlier (the suppression register). */
    public boolean isSuppressed(IdentityKind kind, String normalisedValue) {
        return query("select 1 from suppression where lookup_hash = ?",
                ps -> ps.setString(1, keys.lookupHash(kind, normalisedValue)), rs -> true).isPresent();
    }

    private static Optional<String> findSubject(Connection c, String lookupHash) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select subject_id from subject_identity where lookup_hash = ?")) {
            ps.setString(1, lookupHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public Optional<String> findSubject(IdentityKind kind, String normalisedValue) {
        String sql = "select subject_id from subject_identity where lookup_hash = ?";
        return query(sql, ps -> ps.setString(1, keys.lookupHash(kind, normalisedValue)), rs -> rs.getString(1));
    }

    /** The e-mail addresses of each subject that has one, opened for a vendor call. Personal data: never log it. */
    public Map<String, List<String>> emails(Collection<String> subjectIds) {
        return identities(subjectIds, IdentityKind.EMAIL);
    }

    /** The identities of one kind of each subject that has one, opened for a vendor call. Never log them. */
    public Map<String, List<String>> identities(Collection<String> subjectIds, IdentityKind kind) {
        Map<String, List<String>> emails = new HashMap<>();
        if (subjectIds.isEmpty()) {
            return emails;
        }
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(subjectIds));
        try (Connection connection = dataSource.getConnection()) {
            for (int from = 0; from < ids.size(); from += IN_LIST_CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIST_CHUNK));
                String sql = "select i.subject_id, s.data_key, i.sealed_value from subject_identity i join subject s"
                        + " on s.id = i.subject_id where i.kind = '" + kind.name() + "' and i.subject_id in ("
                        + "?,".repeat(chunk.size() - 1) + "?)";
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String subjectId = rs.getString(1);
                            byte[] wrapped = rs.getBytes(2);
                            if (wrapped != null) {
                                String email = keys.unwrap(subjectId, wrapped).open(rs.getBytes(3),
                                        subjectId + "/" + kind);
                                emails.computeIfAbsent(subjectId, k -> new ArrayList<>()).add(email);
                            }
                        }
                    }
                }
            }
            return emails;
        } catch (SQLException e) {
            throw new RegisterException("reading e-mail identities failed", e);
        }
    }

    public boolean exists(String subjectId) {
        return query("select 1 from subject where id = ?", ps -> ps.setString(1, subjectId), rs -> true).isPresent();
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

    private String writeEvidence(Evidence evidence) {
        ObjectNode node = json.createObjectNode();
        node.put("noticeVersion", evidence.noticeVersion());
        node.put("ip", evidence.ip());
        node.put("userAgent", evidence.userAgent());
        if (evidence.observed() != null) {
            node.put("observed", evidence.observed());
        }
        return node.toString();
    }

    private <T> Optional<T> query(String sql, SqlConsumer<PreparedStatement> bind, SqlFunction<ResultSet, T> map) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement ps = connection.prepareStatement(sql)) {
            bind.accept(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(map.apply(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new RegisterException("register query failed", e);
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            if ("23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && cause != e && isUniqueViolation(cause);
    }

    @FunctionalInterface
    interface SqlConsumer<T> {
        void accept(T t) throws SQLException;
    }

    @FunctionalInterface
    interface SqlFunction<T, R> {
        R apply(T t) throws SQLException;
    }

    /** One transaction's worth of recording: resolve subjects, then write subjects, identities and events in batches. */
    private final class Recording {
        private final Connection connection;
        private final Map<String, String> subjectByHash = new HashMap<>();
        private final Map<String, KeyRing.SubjectKey> keyBySubject = new HashMap<>();
        private final List<Object[]> newSubjects = new ArrayList<>();
        private final List<Object[]> newIdentities = new ArrayList<>();
        private final List<EventRow> newEvents = new ArrayList<>();
        private final Map<String, String> erasedBy = new HashMap<>();
        /** [subjectId, erasure request id] of each subject recreated for a suppressed identity. */
        final List<String[]> reimported = new ArrayList<>();

        Recording(Connection connection) {
            this.connection = connection;
        }

        List<RecordOutcome> run(List<NewConsent> consents) throws SQLException {
            List<Map<IdentityKind, String>> hashes = new ArrayList<>(consents.size());
            for (NewConsent consent : consents) {
                Map<IdentityKind, String> h = new EnumMap<>(IdentityKind.class);
                consent.identities().forEach((kind, value) -> h.put(kind, keys.lookupHash(kind, value)));
                hashes.add(h);
            }
            loadKnownSubjects(hashes.stream().flatMap(h -> h.values().stream()).distinct().toList());
            loadKeys(subjectByHash.values().stream().distinct().toList());
            erasedBy.putAll(Suppressions.erasedBy(connection, hashes.stream().flatMap(h -> h.values().stream())
                    .filter(h -> !subjectByHash.containsKey(h)).distinct().toList()));

            OffsetDateTime recordedAt = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
            List<RecordOutcome> outcomes = new ArrayList<>(consents.size());
            for (int i = 0; i < consents.size(); i++) {
                outcomes.add(recordOne(consents.get(i), hashes.get(i), recordedAt));
            }
            insert("insert into subject (id, data_key, created_at) values (?, ?, ?)", newSubjects);
            insert("insert into subject_identity (lookup_hash, subject_id, kind, sealed_value) values (?, ?, ?, ?)",
                    newIdentities);
            List<ConsentListener.RecordedConsent> recorded = ConsentEventWriter.write(connection, newEvents);
            Suppressions.flagReimported(connection, reimported);
            if (!listeners.isEmpty() && !newEvents.isEmpty()) {
                for (ConsentListener listener : listeners) {
                    listener.onRecorded(connection, recorded);
                }
            }
            return outcomes;
        }

        private RecordOutcome recordOne(NewConsent consent, Map<IdentityKind, String> hashes, OffsetDateTime recordedAt) {
            List<String> known = knownSubjects(hashes);
            if (known.size() > 1) {
                return new RecordOutcome.IdentityConflict();
            }
            if (known.size() == 1 && hashes.values().stream().anyMatch(h -> !subjectByHash.containsKey(h))) {
                return new RecordOutcome.UnlinkedIdentity(hashes.entrySet().stream()
                        .filter(e -> !subjectByHash.containsKey(e.getValue())).map(Map.Entry::getKey).toList());
            }
            String subjectId = subjectFor(consent.identities(), hashes, recordedAt);
            if (known.isEmpty()) {
                hashes.values().stream().map(erasedBy::get).filter(r -> r != null).findFirst()
                        .ifPresent(requestId -> reimported.add(new String[] {subjectId, requestId}));
            }
            KeyRing.SubjectKey key = keyBySubject.get(subjectId);
            String eventId = UUID.randomUUID().toString();
            Evidence evidence = consent.evidence();
            byte[] sealedEvidence = evidence == null || evidence.isEmpty() ? null : key.seal(writeEvidence(evidence), eventId);
            newEvents.add(EventRow.of(eventId, subjectId, consent, recordedAt.toInstant(), key, sealedEvidence));
            return new RecordOutcome.Recorded(eventId, subjectId);
        }

        private List<String> knownSubjects(Map<IdentityKind, String> hashes) {
            return hashes.values().stream().map(subjectByHash::get).filter(s -> s != null).distinct().toList();
        }

        /**
         * The subject the identities name (created with all of them if none does), or null when they name two subjects
         * or one subject lacking some of them: a further identity is linked only explicitly ({@link IdentityLinks}).
         */
        String subjectFor(Map<IdentityKind, String> identities, Map<IdentityKind, String> hashes, OffsetDateTime now) {
            List<String> known = knownSubjects(hashes);
            if (known.size() > 1 || (known.size() == 1 && !subjectByHash.keySet().containsAll(hashes.values()))) {
                return null;
            }
            String subjectId = known.isEmpty() ? createSubject(now) : known.get(0);
            KeyRing.SubjectKey key = keyBySubject.get(subjectId);
            if (key == null) {
                throw new IllegalStateException("subject " + subjectId + " has been erased but still has identities");
            }
            hashes.forEach((kind, hash) -> {
                if (!subjectByHash.containsKey(hash)) {
                    subjectByHash.put(hash, subjectId);
                    newIdentities.add(new Object[] {hash, subjectId, kind.name(),
                        key.seal(identities.get(kind), subjectId + "/" + kind)});
                }
            });
            return subjectId;
        }

        /** Resolves one set of identities to a subject without recording an event. */
        String resolve(Map<IdentityKind, String> identities) throws SQLException {
            Map<IdentityKind, String> hashes = new EnumMap<>(IdentityKind.class);
            identities.forEach((kind, value) -> hashes.put(kind, keys.lookupHash(kind, value)));
            loadKnownSubjects(List.copyOf(hashes.values()));
            loadKeys(subjectByHash.values().stream().distinct().toList());
            String subjectId = subjectFor(identities, hashes, OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC));
            if (subjectId == null) {
                return null;
            }
            insert("insert into subject (id, data_key, created_at) values (?, ?, ?)", newSubjects);
            insert("insert into subject_identity (lookup_hash, subject_id, kind, sealed_value) values (?, ?, ?, ?)",
                    newIdentities);
            return subjectId;
        }

        private String createSubject(OffsetDateTime createdAt) {
            String subjectId = UUID.randomUUID().toString();
            KeyRing.DataKey dataKey = keys.newDataKey(subjectId);
            keyBySubject.put(subjectId, dataKey.key());
            newSubjects.add(new Object[] {subjectId, dataKey.wrapped(), createdAt});
            return subjectId;
        }

        private void loadKnownSubjects(List<String> hashes) throws SQLException {
            forEachChunk(hashes, "select lookup_hash, subject_id from subject_identity where lookup_hash in ",
                    rs -> subjectByHash.put(rs.getString(1), rs.getString(2)));
        }

        private void loadKeys(List<String> subjectIds) throws SQLException {
            forEachChunk(subjectIds, "select id, data_key from subject where id in ", rs -> {
                byte[] wrapped = rs.getBytes(2);
                if (wrapped != null) {
                    keyBySubject.put(rs.getString(1), keys.unwrap(rs.getString(1), wrapped));
                }
            });
        }

        private void forEachChunk(Collection<String> values, String sqlPrefix, SqlConsumer<ResultSet> row)
                throws SQLException {
            List<String> all = List.copyOf(values);
            for (int from = 0; from < all.size(); from += IN_LIST_CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST_CHUNK));
                String sql = sqlPrefix + "(" + "?,".repeat(chunk.size() - 1) + "?)";
                try (PreparedStatement ps = connection.prepareStatement(sql)) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            row.accept(rs);
                        }
                    }
                }
            }
        }

        private void insert(String sql, List<Object[]> rows) throws SQLException {
            if (rows.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        if (row[i] == null) {
                            ps.setNull(i + 1, Types.BINARY); // only the sealed columns are nullable
                        } else {
                            ps.setObject(i + 1, row[i]);
                        }
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }
}
