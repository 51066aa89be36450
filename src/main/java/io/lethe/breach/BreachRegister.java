package io.lethe.breach;

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
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.db.Sql;
import io.lethe.notify.MailOutbox;

/**
 * The breach register (table {@code breach}): record, amend, authority notified, Art. 34 decision (notices or an
 * exemption). Every change is one transaction with its sync-log entry in the {@value #CHAIN} chain (breach id as the
 * entry's request id; codes, counts and connector ids only, never the texts). The texts are sealed with a key of the
 * hub's own, bound to the breach id.
 */
public final class BreachRegister {

    /** The sync-log "vendor" whose chain holds everything about breaches. */
    public static final String CHAIN = "breach";
    /** Art. 34(3): (a) the data were unintelligible (encrypted), (b) measures make the high risk no longer likely, (c) it would take disproportionate effort (a public communication instead). */
    public static final List<String> EXEMPTION_GROUNDS = List.of("a", "b", "c");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, aware_at, recorded_at, recorded_by, updated_at, sealed, subjects_approx,"
            + " records_approx, connectors, purposes, authority_notified_at, reminded_24h_at, reminded_60h_at,"
            + " notices_requested_at, notices_finished_at, exemption_ground, exemption_at";

    private final DataSource dataSource;
    private final MailOutbox.Seal seal;
    private final SyncLog syncLog;
    private final Clock clock;
    private final List<BreachListener> listeners = new CopyOnWriteArrayList<>();

    public BreachRegister(DataSource dataSource, MailOutbox.Seal seal, SyncLog syncLog, Clock clock) {
        this.dataSource = dataSource;
        this.seal = seal;
        this.syncLog = syncLog;
        this.clock = clock;
    }

    public void addListener(BreachListener listener) {
        listeners.add(listener);
    }

    public Clock clock() {
        return clock;
    }

    /** What a recording holds; validated by the caller (the API). */
    public record NewBreach(Instant awareAt, Breach.Details details, List<String> connectors, List<String> purposes) {
    }

    /** A change: new detail fields (null: unchanged) and, once, the authority's notification. */
    public record Change(Breach.Details details, Instant authorityNotifiedAt, String authorityReference,
            String delayReason) {
    }

    /** Refused because of the breach's state (the API answers 409), or a rule of Art. 33/34 (400 with the field). */
    public static final class Refused extends RuntimeException {
        private final String field;

        public Refused(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }

        /** The field at fault, or null when it is the breach's state. */
        public String field() {
            return field;
        }
    }

    public Breach record(NewBreach n, String by) {
        Instant now = now();
        if (n.awareAt().isAfter(now)) {
            throw new Refused("awareAt", "must not be in the future");
        }
        String id = UUID.randomUUID().toString();
        Breach b = new Breach(id, n.awareAt(), now, by, now, n.details(), List.copyOf(n.connectors()),
                List.copyOf(n.purposes()), null, null, null, null, null, null, null, null, null, null);
        return transaction("recording a breach", c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into breach (id, aware_at, recorded_at, recorded_by,"
                    + " updated_at, sealed, subjects_approx, records_approx, connectors, purposes)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setObject(2, utc(b.awareAt()));
                ps.setObject(3, utc(now));
                ps.setString(4, by);
                ps.setObject(5, utc(now));
                ps.setBytes(6, sealTexts(b));
                setLong(ps, 7, b.details().subjectsApprox());
                setLong(ps, 8, b.details().recordsApprox());
                ps.setString(9, String.join(",", b.connectors()));
                ps.setString(10, String.join(",", b.purposes()));
                ps.executeUpdate();
            }
            log(c, null, id, "breach_recorded", "recorded", "by " + by + "; aware " + b.awareAt() + "; connectors "
                    + orNone(b.connectors()) + "; purposes " + orNone(b.purposes()));
            for (BreachListener listener : listeners) {
                listener.onRecorded(c, b);
            }
            return b;
        });
    }

    /** Amends the description and/or records the authority's notification (once; after 72 h with a delay reason). */
    public Breach change(String id, Change change, String by) {
        return transaction("changing a breach", c -> {
            Breach b = lock(c, id);
            Instant now = now();
            Instant notifiedAt = b.authorityNotifiedAt();
            String reference = b.authorityReference();
            String delayReason = b.delayReason();
            if (change.authorityNotifiedAt() != null) {
                if (b.authorityNotifiedAt() != null) {
                    throw new Refused(null, "the authority's notification is recorded already");
                }
                if (change.authorityNotifiedAt().isAfter(now)) {
                    throw new Refused("authorityNotifiedAt", "must not be in the future");
                }
                if (change.authorityNotifiedAt().isBefore(b.awareAt())) {
                    throw new Refused("authorityNotifiedAt", "must not be before awareAt");
                }
                if (BreachClock.isLate(b.awareAt(), change.authorityNotifiedAt()) && change.delayReason() == null) {
                    throw new Refused("delayReason", "is required: the authority was notified more than 72 hours"
                            + " after awareness (Art. 33(1))");
                }
                notifiedAt = change.authorityNotifiedAt();
                reference = change.authorityReference();
                delayReason = change.delayReason();
            } else if (change.authorityReference() != null || change.delayReason() != null) {
                throw new Refused(change.authorityReference() != null ? "authorityReference" : "delayReason",
                        "goes with authorityNotifiedAt");
            }
            Breach.Details details = change.details() == null ? b.details() : b.details().with(change.details());
            Breach changed = new Breach(b.id(), b.awareAt(), b.recordedAt(), b.recordedBy(), now, details,
                    b.connectors(), b.purposes(), notifiedAt, reference, delayReason, b.reminded24hAt(),
                    b.reminded60hAt(), b.noticesRequestedAt(), b.noticesFinishedAt(), b.exemptionGround(),
                    b.exemptionReason(), b.exemptionAt());
            try (PreparedStatement ps = c.prepareStatement("update breach set sealed = ?, subjects_approx = ?,"
                    + " records_approx = ?, authority_notified_at = ?, updated_at = ? where id = ?")) {
                ps.setBytes(1, sealTexts(changed));
                setLong(ps, 2, details.subjectsApprox());
                setLong(ps, 3, details.recordsApprox());
                ps.setObject(4, notifiedAt == null ? null : utc(notifiedAt));
                ps.setObject(5, utc(now));
                ps.setString(6, id);
                ps.executeUpdate();
            }
            if (change.details() != null) {
                log(c, null, id, "breach_updated", "updated", "by " + by + "; fields " + changedFields(change.details()));
            }
            if (change.authorityNotifiedAt() != null) {
                log(c, null, id, "authority_notified", BreachClock.isLate(b.awareAt(), notifiedAt) ? "late" : "in_time",
                        "by " + by + "; notified " + notifiedAt + "; deadline " + b.awareAt().plus(BreachClock.WINDOW));
            }
            return changed;
        });
    }

    /** Art. 34(1): the affected subjects are to be told; the notice batches (BreachNotices) take it from here. */
    public Breach requestNotices(String id, String by) {
        return transaction("choosing breach notices", c -> {
            Breach b = lock(c, id);
            if (b.exemptionGround() != null) {
                throw new Refused(null, "an Art. 34(3) exemption is recorded for this breach: no notices");
            }
            if (b.noticesRequestedAt() != null) {
                return b; // asked twice: the notices go once
            }
            Instant now = now();
            update(c, "update breach set notices_requested_at = ?, updated_at = ? where id = ?", utc(now), utc(now), id);
            log(c, null, id, "notices_requested", "requested", "by " + by);
            return lock(c, id);
        });
    }

    /** Art. 34(3): no notice, the ground and the reason recorded instead. */
    public Breach recordExemption(String id, String ground, String reason, String by) {
        return transaction("recording a breach exemption", c -> {
            Breach b = lock(c, id);
            if (b.noticesRequestedAt() != null) {
                throw new Refused(null, "the Art. 34 notices were chosen for this breach already");
            }
            if (b.exemptionGround() != null) {
                throw new Refused(null, "an exemption is recorded for this breach already");
            }
            Instant now = now();
            Breach exempt = new Breach(b.id(), b.awareAt(), b.recordedAt(), b.recordedBy(), now, b.details(),
                    b.connectors(), b.purposes(), b.authorityNotifiedAt(), b.authorityReference(), b.delayReason(),
                    b.reminded24hAt(), b.reminded60hAt(), null, null, ground, reason, now);
            try (PreparedStatement ps = c.prepareStatement("update breach set sealed = ?, exemption_ground = ?,"
                    + " exemption_at = ?, updated_at = ? where id = ?")) {
                ps.setBytes(1, sealTexts(exempt));
                ps.setString(2, ground);
                ps.setObject(3, utc(now));
                ps.setObject(4, utc(now));
                ps.setString(5, id);
                ps.executeUpdate();
            }
            log(c, null, id, "exemption_recorded", "art34_3_" + ground, "by " + by);
            return exempt;
        });
    }

    public Optional<Breach> find(String id) {
        return transaction("reading a breach", c -> find(c, id, false));
    }

    /** All breaches, the most recent awareness first. */
    public List<Breach> list() {
        return transaction("listing breaches", c -> {
            List<Breach> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from breach order by aware_at desc, id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        });
    }

    // --- for the reminder and notice routes of this package -------------------------------------------------------

    Breach lock(Connection c, String id) throws SQLException {
        return find(c, id, true).orElseThrow(() -> new Refused("id", "no breach has that id"));
    }

    Breach find(Connection c, String id) throws SQLException {
        return find(c, id, false).orElseThrow(() -> new Refused("id", "no breach has that id"));
    }

    /** Breaches still open for the given column being null (reminders, notice batches), oldest first. */
    List<String> ids(Connection c, String where) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from breach where " + where + " order by aware_at, id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    void log(Connection c, String subjectId, String breachId, String action, String outcome, String detail)
            throws SQLException {
        syncLog.append(c, List.of(SyncEntry.of(CHAIN, subjectId, breachId, action, outcome, null, null, detail)));
    }

    void log(Connection c, List<SyncEntry> entries) throws SQLException {
        syncLog.append(c, entries);
    }

    static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    <T> T transaction(String what, io.lethe.db.Transactions.Work<T> work) {
        return Sql.transaction(dataSource, what, work);
    }

    Instant now() {
        return clock.instant();
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    // --- storage ----------------------------------------------------------------------------------------------------

    private Optional<Breach> find(Connection c, String id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + " from breach where id = ?"
                + (forUpdate ? " for update" : ""))) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The sealed document: the texts of the description and of the follow-ups. */
    private record Texts(String nature, String subjectCategories, String recordCategories, String consequences,
            String measures, String contact, String authorityReference, String delayReason, String exemptionReason) {
    }

    private byte[] sealTexts(Breach b) {
        Breach.Details d = b.details();
        try {
            return seal.seal(JSON.writeValueAsString(new Texts(d.nature(), d.subjectCategories(), d.recordCategories(),
                    d.consequences(), d.measures(), d.contact(), b.authorityReference(), b.delayReason(),
                    b.exemptionReason())), "breach/" + b.id());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Breach read(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        Texts t;
        try {
            t = JSON.readValue(seal.open(rs.getBytes(6), "breach/" + id), Texts.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("breach " + id + " is not readable", e);
        }
        Breach.Details d = new Breach.Details(t.nature(), t.subjectCategories(), (Long) longOrNull(rs, 7),
                t.recordCategories(), (Long) longOrNull(rs, 8), t.consequences(), t.measures(), t.contact());
        return new Breach(id, instant(rs, 2), instant(rs, 3), rs.getString(4), instant(rs, 5), d, split(rs.getString(9)),
                split(rs.getString(10)), instant(rs, 11), t.authorityReference(), t.delayReason(), instant(rs, 12),
                instant(rs, 13), instant(rs, 14), instant(rs, 15), rs.getString(16), t.exemptionReason(), instant(rs, 17));
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static List<String> split(String list) {
        return list == null || list.isBlank() ? List.of() : Arrays.asList(list.split(","));
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }

    private static String orNone(List<String> list) {
        return list.isEmpty() ? "none" : String.join(",", list);
    }

    private static String changedFields(Breach.Details d) {
        List<String> fields = new ArrayList<>();
        if (d.nature() != null) fields.add("nature");
        if (d.subjectCategories() != null) fields.add("subjectCategories");
        if (d.subjectsApprox() != null) fields.add("subjectsApprox");
        if (d.recordCategories() != null) fields.add("recordCategories");
        if (d.recordsApprox() != null) fields.add("recordsApprox");
        if (d.consequences() != null) fields.add("consequences");
        if (d.measures() != null) fields.add("measures");
        if (d.contact() != null) fields.add("contact");
        return String.join(",", fields);
    }
}
