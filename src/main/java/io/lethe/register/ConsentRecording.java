package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lethe.db.Sql;

/** One transaction's worth of recording: resolve subjects, then write subjects, identities and events in batches. */
final class ConsentRecording {
    private final Connection connection;
    private final KeyRing keys;
    private final Clock clock;
    private final List<ConsentListener> listeners;
    private final Map<String, String> subjectByHash = new HashMap<>();
    private final Map<String, KeyRing.SubjectKey> keyBySubject = new HashMap<>();
    private final List<Object[]> newSubjects = new ArrayList<>();
    private final List<Object[]> newIdentities = new ArrayList<>();
    private final List<EventRow> newEvents = new ArrayList<>();
    private final Map<String, String> erasedBy = new HashMap<>();
    /** [subjectId, erasure request id] of each subject recreated for a suppressed identity. */
    final List<String[]> reimported = new ArrayList<>();

    ConsentRecording(Connection connection, KeyRing keys, Clock clock, List<ConsentListener> listeners) {
        this.connection = connection;
        this.keys = keys;
        this.clock = clock;
        this.listeners = listeners;
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
        byte[] sealedEvidence = evidence == null || evidence.isEmpty() ? null : key.seal(Evidence.json(evidence), eventId);
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

    private void forEachChunk(Collection<String> values, String sqlPrefix, Sql.RowReader row) throws SQLException {
        Sql.forEachChunk(connection, sqlPrefix, List.copyOf(values), "", Sql.IN_LIST_CHUNK, row);
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
