package io.lethe.requests;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.audit.SyncEntry;
import io.lethe.audit.SyncLog;
import io.lethe.db.Sql;
import io.lethe.dispatch.Outbox;
import io.lethe.register.ConsentRegister;

/**
 * Legal holds (GDPR Art. 17(3)): while a subject is on hold, no erasure of it reaches any vendor. An erasure that
 * would start (API, mail intake after confirmation, retention) goes to {@code action_required} instead, with the hold
 * recorded in the sync log (its timeline) and the DPO told; an erasure already running when the hold is placed stops
 * the same way, its commands pending or in flight are skipped and never put back for another attempt (commands
 * already with a vendor finish there, but the request never completes, so the register is not shredded).
 * Releasing the hold restarts the erasures it stopped (unless another hold is active). A hold with an {@code until}
 * ends by itself then; {@link #endExpired} (routes/retention.camel.yaml) restarts what it stopped as a release does,
 * and tells the DPO once.
 * The reason can be personal data: it is sealed with the subject's key, and the sync log holds the hold's id only.
 */
public final class LegalHolds {

    /** The sync log's chain for hold events (no vendor of that name exists). */
    public static final String LOG = "legal-hold";
    /** Erasures a hold stops: running ones, and those waiting for a person (a resend would otherwise erase). */
    static final String OPEN_STATUSES = "('pending', 'in_progress', 'action_required')";

    /** One hold; {@code reason} opened (null once the subject is erased). */
    public record Hold(String id, String subjectId, String reason, String placedBy, Instant placedAt, Instant until,
            String releasedBy, Instant releasedAt, String releaseReason, boolean active) {
    }

    private final DataSource dataSource;
    private final ConsentRegister register;
    private final RequestStore store;
    private final RequestNotices notices;
    private final Outbox outbox;
    private final SyncLog syncLog;
    private final Clock clock;
    private RequestExecution execution;

    LegalHolds(DataSource dataSource, ConsentRegister register, RequestStore store, RequestNotices notices,
            Outbox outbox, SyncLog syncLog, Clock clock) {
        this.dataSource = dataSource;
        this.register = register;
        this.store = store;
        this.notices = notices;
        this.outbox = outbox;
        this.syncLog = syncLog;
        this.clock = clock;
    }

    void setExecution(RequestExecution execution) {
        this.execution = execution;
    }

    /** Why a hold cannot be placed or released. */
    public static final class HoldException extends RuntimeException {
        private final int status;

        HoldException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** 404 (no such subject / no active hold) or 409 (already on hold, erased). */
        public int status() {
            return status;
        }
    }

    /**
     * Places a hold on a subject and stops its running erasures. One active hold per subject: a second is a 409.
     * Returns the hold and the ids of the requests it stopped.
     */
    public Hold place(String subjectId, String reason, Instant until, String by) {
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        return Sql.transaction(dataSource, "placing a legal hold", c -> {
            lockSubject(c, subjectId);
            Optional<Hold> current = active(c, subjectId);
            if (current.isPresent()) {
                throw new HoldException(409, "The subject is already on legal hold " + current.get().id()
                        + "; release it first to place another.");
            }
            byte[] sealed = register.sealFor(c, subjectId, reason, "hold/" + id);
            try (PreparedStatement ps = c.prepareStatement("insert into legal_hold (id, subject_id, sealed_reason,"
                    + " placed_by, placed_at, until_at) values (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, subjectId);
                ps.setBytes(3, sealed);
                ps.setString(4, by);
                ps.setObject(5, RequestStore.utc(now));
                ps.setObject(6, until == null ? null : RequestStore.utc(until));
                ps.executeUpdate();
            }
            syncLog.append(c, List.of(SyncEntry.of(LOG, subjectId, null, "hold", "placed", null, null,
                    "hold " + id + (until == null ? "" : " until " + until))));
            for (String requestId : openErasures(c, subjectId)) {
                store.lock(c, requestId);
                DataSubjectRequest r = store.find(c, requestId).orElseThrow();
                outbox.stopRequest(c, requestId, "legal hold " + id); // commands not yet sent are never sent
                stop(c, r, id);
            }
            return find(c, id).orElseThrow();
        });
    }

    /**
     * Releases the subject's active hold with a reason, and restarts the erasures it stopped (each goes to
     * in_progress with its commands queued again; vendors that erased already answer not_found).
     */
    public Hold release(String subjectId, String reason, String by) {
        Instant now = clock.instant();
        return Sql.transaction(dataSource, "releasing a legal hold", c -> {
            lockSubject(c, subjectId);
            Hold hold = active(c, subjectId).orElseThrow(() -> new HoldException(404,
                    "The subject has no active legal hold."));
            try (PreparedStatement ps = c.prepareStatement("update legal_hold set released_by = ?, released_at = ?,"
                    + " sealed_release_reason = ? where id = ?")) {
                ps.setString(1, by);
                ps.setObject(2, RequestStore.utc(now));
                ps.setBytes(3, register.sealFor(c, subjectId, reason, "hold/" + hold.id() + "/release"));
                ps.setString(4, hold.id());
                ps.executeUpdate();
            }
            syncLog.append(c, List.of(SyncEntry.of(LOG, subjectId, null, "hold", "released", null, null,
                    "hold " + hold.id())));
            for (String requestId : heldBy(c, hold.id())) {
                store.lock(c, requestId);
                restart(c, store.find(c, requestId).orElseThrow(), "legal hold released");
            }
            return find(c, hold.id()).orElseThrow();
        });
    }

    /**
     * Holds whose {@code until} has passed and that still stop erasures: each restarts them exactly as a release
     * does, records it in the hold chain of the sync log and tells the DPO once (ids and counts only). Returns how
     * many erasures restarted. Safe to run on every node: the subject's row is locked and the stopped requests are
     * read again under the lock (a restarted one is no longer held).
     */
    public int endExpired() {
        List<Hold> ended = Sql.transaction(dataSource, "reading expired legal holds", c -> query(c,
                "where released_at is null and until_at is not null and until_at <= ? and exists (select 1 from dsr d"
                        + " where d.held_by = legal_hold.id and d.status = 'action_required') order by until_at",
                RequestStore.utc(clock.instant())));
        int restarted = 0;
        for (Hold hold : ended) {
            restarted += Sql.transaction(dataSource, "ending an expired legal hold", c -> {
                try {
                    lockSubject(c, hold.subjectId());
                } catch (HoldException erased) { // erased meanwhile: nothing to restart
                    return 0;
                }
                List<String> ids = heldBy(c, hold.id());
                if (ids.isEmpty()) {
                    return 0;
                }
                syncLog.append(c, List.of(SyncEntry.of(LOG, hold.subjectId(), null, "hold", "expired", null, null,
                        "hold " + hold.id() + " ended at " + hold.until() + "; " + ids.size()
                                + " erasure(s) restarted")));
                for (String requestId : ids) {
                    store.lock(c, requestId);
                    restart(c, store.find(c, requestId).orElseThrow(), "legal hold " + hold.id() + " ended (until)");
                }
                notices.toDpo(c, "dpo-hold-expired", new java.util.LinkedHashMap<>(Map.of("holdId", hold.id(),
                        "until", hold.until().toString(), "count", Integer.toString(ids.size()),
                        "requestIds", String.join("\n  ", ids))));
                return ids.size();
            });
        }
        return restarted;
    }

    /**
     * The hook of {@link RequestExecution#start}: an erasure of a subject on hold does not start. It goes to
     * action_required with the hold recorded, and the DPO is told. True when it was stopped.
     */
    boolean stopsErasure(Connection c, DataSubjectRequest r) throws SQLException {
        if (r.subjectId() == null) {
            return false;
        }
        Optional<Hold> hold = active(c, r.subjectId());
        if (hold.isEmpty()) {
            return false;
        }
        stop(c, r, hold.get().id());
        return true;
    }

    void stop(Connection c, DataSubjectRequest r, String holdId) throws SQLException {
        Instant now = clock.instant();
        store.setStatus(c, r.id(), RequestStatus.ACTION_REQUIRED, now);
        store.setHeldBy(c, r.id(), holdId);
        // read again: a request being filed has its vendor parts in the table, not yet in the record it started with
        for (DataSubjectRequest.VendorProgress v : store.find(c, r.id()).orElse(r).vendors()) {
            if (!RequestCompletion.FINAL_VENDOR.contains(v.status())) {
                store.setVendor(c, r.id(), v.vendor(), "skipped", "legal hold " + holdId, now);
            }
        }
        syncLog.append(c, List.of(SyncEntry.of(LOG, r.subjectId(), r.id(), "erase", "held", null, null,
                "legal hold " + holdId + ": GDPR Art. 17(3), no erase command sent")));
        Map<String, String> values = notices.values(r);
        values.put("summary", "The subject is under legal hold " + holdId + " (reason in the console's Retention"
                + " page). No erase command was sent; the erasure restarts when the hold is released.\n");
        notices.toDpo(c, "dpo-action-required", values);
    }

    private void restart(Connection c, DataSubjectRequest r, String why) throws SQLException {
        if (r.status() != RequestStatus.ACTION_REQUIRED) {
            return;
        }
        Instant now = clock.instant();
        store.setHeldBy(c, r.id(), null);
        for (DataSubjectRequest.VendorProgress v : r.vendors()) {
            if (v.status().equals("skipped")) {
                store.setVendor(c, r.id(), v.vendor(), "queued", null, now);
            }
        }
        syncLog.append(c, List.of(SyncEntry.of(LOG, r.subjectId(), r.id(), "erase", "restarted", null, null, why)));
        execution.start(c, store.find(c, r.id()).orElseThrow());
    }

    /** The subject's active hold (unreleased, its until not passed), in the caller's transaction. */
    Optional<Hold> active(Connection c, String subjectId) throws SQLException {
        List<Hold> holds = query(c, "where subject_id = ? and released_at is null and (until_at is null or until_at > ?)"
                + " order by placed_at desc", subjectId, RequestStore.utc(clock.instant()));
        return holds.stream().findFirst();
    }

    /** The subject's active hold, if any. */
    public Optional<Hold> active(String subjectId) {
        return Sql.transaction(dataSource, "reading a legal hold", c -> active(c, subjectId));
    }

    /** The subjects among {@code subjectIds} on an active hold (retention skips them). */
    public Set<String> held(List<String> subjectIds) {
        Set<String> out = new LinkedHashSet<>();
        OffsetDateTime now = RequestStore.utc(clock.instant());
        Sql.transaction(dataSource, "reading legal holds", c -> {
            for (int from = 0; from < subjectIds.size(); from += Sql.IN_LIST_CHUNK) {
                List<String> part = subjectIds.subList(from, Math.min(subjectIds.size(), from + Sql.IN_LIST_CHUNK));
                try (PreparedStatement ps = c.prepareStatement("select subject_id from legal_hold where subject_id in ("
                        + Sql.placeholders(part.size()) + ") and released_at is null and (until_at is null"
                        + " or until_at > ?)")) {
                    for (int i = 0; i < part.size(); i++) {
                        ps.setString(i + 1, part.get(i));
                    }
                    ps.setObject(part.size() + 1, now);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return null;
        });
        return out;
    }

    /** A subject's holds, newest first. */
    public List<Hold> ofSubject(String subjectId) {
        return Sql.transaction(dataSource, "reading legal holds", c -> query(c,
                "where subject_id = ? order by placed_at desc", subjectId));
    }

    /** Holds newest first, at most {@code max}: the active ones only, or all. */
    public List<Hold> list(boolean activeOnly, int max) {
        return Sql.transaction(dataSource, "listing legal holds", c -> {
            List<Hold> all = activeOnly ? query(c, "where released_at is null and (until_at is null or until_at > ?)"
                    + " order by placed_at desc", RequestStore.utc(clock.instant()))
                    : query(c, "order by placed_at desc");
            return all.subList(0, Math.min(max, all.size()));
        });
    }

    private Optional<Hold> find(Connection c, String id) throws SQLException {
        return query(c, "where id = ?", id).stream().findFirst();
    }

    private List<Hold> query(Connection c, String where, Object... args) throws SQLException {
        Instant now = clock.instant();
        List<Hold> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id, subject_id, sealed_reason, placed_by, placed_at,"
                + " until_at, released_by, released_at, sealed_release_reason from legal_hold " + where)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.setMaxRows(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    String subject = rs.getString(2);
                    Instant until = instant(rs, 6);
                    Instant released = instant(rs, 8);
                    byte[] releaseReason = rs.getBytes(9);
                    out.add(new Hold(id, subject, register.openFor(subject, rs.getBytes(3), "hold/" + id).orElse(null),
                            rs.getString(4), instant(rs, 5), until, rs.getString(7), released,
                            releaseReason == null ? null : register.openFor(subject, releaseReason,
                                    "hold/" + id + "/release").orElse(null),
                            released == null && (until == null || until.isAfter(now))));
                }
            }
        }
        return out;
    }

    private static List<String> openErasures(Connection c, String subjectId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from dsr where subject_id = ? and type = 'erasure'"
                + " and status in " + OPEN_STATUSES)) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static List<String> heldBy(Connection c, String holdId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from dsr where held_by = ? and status ="
                + " 'action_required'")) {
            ps.setString(1, holdId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** Locks the subject's row: a hold and a filing (or two holds) for one subject run one after the other. */
    static void lockSubject(Connection c, String subjectId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select data_key from subject where id = ? for update")) {
            ps.setString(1, subjectId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new HoldException(404, "No subject has that id.");
                }
                if (rs.getBytes(1) == null) {
                    throw new HoldException(409, "The subject has been erased; there is nothing left to hold.");
                }
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
