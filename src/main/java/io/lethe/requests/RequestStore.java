package io.lethe.requests;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.lethe.events.Events;

/** JDBC access to {@code dsr} and {@code dsr_vendor}; every method works in the caller's transaction. */
final class RequestStore {

    void insert(Connection c, DataSubjectRequest r, String verificationHash, Instant verificationExpires, String filedBy,
            byte[] sealedChanges) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into dsr (id, type, regulation, subject_id, status,"
                + " received_at, due_at, verification_hash, verification_expires_at, filed_by, updated_at, purposes,"
                + " sealed_changes) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.type().wire());
            ps.setString(3, r.regulation().wire());
            ps.setString(4, r.subjectId());
            ps.setString(5, r.status().wire());
            ps.setObject(6, utc(r.receivedAt()));
            ps.setObject(7, utc(r.dueAt()));
            ps.setString(8, verificationHash);
            ps.setObject(9, verificationExpires == null ? null : utc(verificationExpires));
            ps.setString(10, filedBy);
            ps.setObject(11, utc(r.receivedAt()));
            ps.setString(12, r.purposes().isEmpty() ? null : String.join(",", r.purposes()));
            ps.setBytes(13, sealedChanges);
            ps.executeUpdate();
        }
        publishStatus(c, r.id(), r.type().wire(), r.subjectId(), null, r.status().wire(), r.receivedAt());
    }

    void setVendor(Connection c, String requestId, String vendor, String status, String detail, Instant at)
            throws SQLException {
        int updated;
        try (PreparedStatement ps = c.prepareStatement("update dsr_vendor set status = ?, detail = ?, updated_at = ?"
                + " where request_id = ? and connector = ?")) {
            ps.setString(1, status);
            ps.setString(2, detail == null ? null : detail.substring(0, Math.min(256, detail.length())));
            ps.setObject(3, utc(at));
            ps.setString(4, requestId);
            ps.setString(5, vendor);
            updated = ps.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement ps = c.prepareStatement("insert into dsr_vendor (request_id, connector, status, detail,"
                    + " updated_at) values (?, ?, ?, ?, ?)")) {
                ps.setString(1, requestId);
                ps.setString(2, vendor);
                ps.setString(3, status);
                ps.setString(4, detail);
                ps.setObject(5, utc(at));
                ps.executeUpdate();
            }
        }
    }

    /**
     * Locks the request's row until the transaction ends: vendors finishing at the same moment then see each other's
     * results, so exactly one of them finishes the request.
     */
    void lock(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select id from dsr where id = ? for update")) {
            ps.setString(1, requestId);
            ps.executeQuery().close();
        }
    }

    /** Sets the status; a change publishes {@code request.status_changed} in the same transaction. */
    void setStatus(Connection c, String requestId, RequestStatus status, Instant at) throws SQLException {
        String from = null;
        String type = null;
        String subjectId = null;
        try (PreparedStatement ps = c.prepareStatement("select status, type, subject_id from dsr where id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    from = rs.getString(1);
                    type = rs.getString(2);
                    subjectId = rs.getString(3);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("update dsr set status = ?, updated_at = ? where id = ?")) {
            ps.setString(1, status.wire());
            ps.setObject(2, utc(at));
            ps.setString(3, requestId);
            ps.executeUpdate();
        }
        if (type != null && !status.wire().equals(from)) {
            publishStatus(c, requestId, type, subjectId, from, status.wire(), at);
        }
    }

    /** {@code request.status_changed}: ids, type and statuses only. {@code from} is null for a new request. */
    private static void publishStatus(Connection c, String requestId, String type, String subjectId, String from,
            String to, Instant at) throws SQLException {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("requestId", requestId);
        data.put("requestType", type);
        data.put("subjectId", subjectId);
        data.put("from", from);
        data.put("status", to);
        Events.publish(c, Events.REQUEST_STATUS_CHANGED, subjectId, data, at);
    }

    void extend(Connection c, String requestId, Instant due, String reason, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update dsr set due_at = ?, extended_at = ?, extension_reason = ?,"
                + " updated_at = ? where id = ?")) {
            ps.setObject(1, utc(due));
            ps.setObject(2, utc(at));
            ps.setString(3, reason);
            ps.setObject(4, utc(at));
            ps.setString(5, requestId);
            ps.executeUpdate();
        }
    }

    private static String[] typeAndSubject(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select type, subject_id from dsr where id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }
    }

    /** The unverified request a link token opens, consuming the token (single use). */
    Optional<String> consumeVerification(Connection c, String tokenHash, Instant now) throws SQLException {
        String id = null;
        try (PreparedStatement ps = c.prepareStatement("select id from dsr where verification_hash = ? and status ="
                + " 'identity_unverified' and verification_expires_at > ? for update")) {
            ps.setString(1, tokenHash);
            ps.setObject(2, utc(now));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    id = rs.getString(1);
                }
            }
        }
        if (id != null) {
            try (PreparedStatement ps = c.prepareStatement("update dsr set verification_hash = null,"
                    + " verification_expires_at = null, status = 'pending', updated_at = ? where id = ?")) {
                ps.setObject(1, utc(now));
                ps.setString(2, id);
                ps.executeUpdate();
            }
            String[] typeAndSubject = typeAndSubject(c, id);
            publishStatus(c, id, typeAndSubject[0], typeAndSubject[1], "identity_unverified", "pending", now);
        }
        return Optional.ofNullable(id);
    }

    /** Open requests to remind the DPO of ({@code column} is reminded_at or overdue_notified_at), and marks them. */
    List<String> takeDue(Connection c, String column, Instant dueBefore, Instant now) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from dsr where status in ('identity_unverified',"
                + " 'pending', 'in_progress', 'action_required') and " + column + " is null and due_at <= ?")) {
            ps.setObject(1, utc(dueBefore));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("update dsr set " + column + " = ? where id = ?")) {
            for (String id : ids) {
                ps.setObject(1, utc(now));
                ps.setString(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return ids;
    }

    /**
     * Vendor parts still {@code submitted} since before {@code before}: [requestId, connector, request type, sent at];
     * their clock restarts now.
     */
    List<String[]> silentVendors(Connection c, Instant before, Instant now) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select v.request_id, v.connector, d.type, v.updated_at from"
                + " dsr_vendor v join dsr d on d.id = v.request_id where v.status = 'submitted' and v.updated_at < ?"
                + " and d.status = 'in_progress'")) {
            ps.setObject(1, utc(before));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant().toString()});
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "update dsr_vendor set updated_at = ? where request_id = ? and connector = ?")) {
            for (String[] s : out) {
                ps.setObject(1, utc(now));
                ps.setString(2, s[0]);
                ps.setString(3, s[1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return out;
    }

    /** Unverified requests whose link has expired. */
    List<String> expiredUnverified(Connection c, Instant now) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from dsr where status = 'identity_unverified'"
                + " and verification_expires_at <= ?")) {
            ps.setObject(1, utc(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** The ids of a subject's requests, newest first (the console's subject page). */
    List<String> idsOfSubject(Connection c, String subjectId, int max) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select id from dsr where subject_id = ? order by received_at desc, id")) {
            ps.setString(1, subjectId);
            ps.setMaxRows(max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    Optional<DataSubjectRequest> find(Connection c, String id) throws SQLException {
        DataSubjectRequest r = null;
        try (PreparedStatement ps = c.prepareStatement("select id, type, regulation, subject_id, status, received_at,"
                + " due_at, extended_at, extension_reason, purposes from dsr where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                r = new DataSubjectRequest(rs.getString(1), RequestType.ofWire(rs.getString(2)).orElseThrow(),
                        Regulation.ofWire(rs.getString(3)).orElseThrow(), rs.getString(4), RequestStatus.ofWire(rs.getString(5)),
                        instant(rs, 6), instant(rs, 7), instant(rs, 8), rs.getString(9),
                        rs.getString(10) == null ? List.of() : List.of(rs.getString(10).split(",")), List.of());
            }
        }
        List<DataSubjectRequest.VendorProgress> vendors = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select connector, status, updated_at, detail from dsr_vendor"
                + " where request_id = ? order by connector")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    vendors.add(new DataSubjectRequest.VendorProgress(rs.getString(1), rs.getString(2), instant(rs, 3),
                            rs.getString(4)));
                }
            }
        }
        return Optional.of(new DataSubjectRequest(r.id(), r.type(), r.regulation(), r.subjectId(), r.status(),
                r.receivedAt(), r.dueAt(), r.extendedAt(), r.extensionReason(), r.purposes(), List.copyOf(vendors)));
    }

    /** Requests matching the query, newest first, at most {@code limit + 1} (the extra one tells there are more). */
    List<RequestSummary> list(Connection c, RequestQuery q, Instant now) throws SQLException {
        StringBuilder sql = new StringBuilder("select id, type, regulation, status, received_at, due_at, extended_at,"
                + " updated_at from dsr where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.type() != null) {
            sql.append(" and type = ?");
            args.add(q.type().wire());
        }
        if (q.regulation() != null) {
            sql.append(" and regulation = ?");
            args.add(q.regulation().wire());
        }
        if (q.status() != null) {
            sql.append(" and status = ?");
            args.add(q.status().wire());
        }
        if (q.due() != null) {
            sql.append(" and status in ").append(RequestQuery.OPEN_FOR_DEADLINE);
            if (q.due() == RequestQuery.Due.OVERDUE) {
                sql.append(" and due_at < ?");
                args.add(utc(now));
            } else {
                sql.append(" and due_at >= ? and due_at < ?");
                args.add(utc(now));
                args.add(utc(now.plus(java.time.Duration.ofDays(q.soonDays()))));
            }
        }
        sql.append(q.due() != null ? " order by due_at, id" : " order by received_at desc, id desc")
                .append(" limit ? offset ?");
        args.add(q.limit() + 1);
        args.add(q.offset());
        List<RequestSummary> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RequestSummary(rs.getString(1), RequestType.ofWire(rs.getString(2)).orElseThrow(),
                            Regulation.ofWire(rs.getString(3)).orElseThrow(), RequestStatus.ofWire(rs.getString(4)),
                            instant(rs, 5), instant(rs, 6), rs.getObject(7) != null, instant(rs, 8)));
                }
            }
        }
        return out;
    }

    /** Requests received since {@code since}: [received day (UTC), status] → count. */
    java.util.Map<java.time.LocalDate, java.util.Map<RequestStatus, Long>> receivedPerDay(Connection c, Instant since)
            throws SQLException {
        java.util.Map<java.time.LocalDate, java.util.Map<RequestStatus, Long>> out = new java.util.TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement("select received_at, status from dsr where received_at >= ?")) {
            ps.setObject(1, utc(since));
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.time.LocalDate day = instant(rs, 1).atOffset(ZoneOffset.UTC).toLocalDate();
                    out.computeIfAbsent(day, d -> new java.util.EnumMap<>(RequestStatus.class))
                            .merge(RequestStatus.ofWire(rs.getString(2)), 1L, Long::sum);
                }
            }
        }
        return out;
    }

    byte[] sealedChanges(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select sealed_changes from dsr where id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    void saveExport(Connection c, String requestId, String connector, byte[] sealed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from dsr_export where request_id = ? and connector = ?")) {
            ps.setString(1, requestId);
            ps.setString(2, connector);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into dsr_export (request_id, connector, sealed_data) values (?, ?, ?)")) {
            ps.setString(1, requestId);
            ps.setString(2, connector);
            ps.setBytes(3, sealed);
            ps.executeUpdate();
        }
    }

    /** Sealed exports per connector. */
    java.util.Map<String, byte[]> exports(Connection c, String requestId) throws SQLException {
        java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select connector, sealed_data from dsr_export where request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBytes(2));
                }
            }
        }
        return out;
    }

    // --- retention and legal holds (V26_1) ---

    /** The hold that stopped the request (null: none, or released). */
    void setHeldBy(Connection c, String requestId, String holdId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update dsr set held_by = ? where id = ?")) {
            ps.setString(1, holdId);
            ps.setString(2, requestId);
            ps.executeUpdate();
        }
    }

    /** Limits a request to some connectors (a retention policy's); see {@link #scope}. */
    void setScope(Connection c, String requestId, java.util.List<String> connectors) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update dsr set connectors = ? where id = ?")) {
            ps.setString(1, String.join(",", connectors));
            ps.setString(2, requestId);
            ps.executeUpdate();
        }
    }

    /** The connectors the request is limited to; empty when it goes to every enabled connector. */
    Optional<java.util.Set<String>> scope(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select connectors from dsr where id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                String list = rs.next() ? rs.getString(1) : null;
                return list == null ? Optional.empty() : Optional.of(java.util.Set.of(list.split(",")));
            }
        }
    }

    /** Who filed the request (an API key name, mail intake, reconcile:<run>, retention:<policy>). */
    String filedBy(Connection c, String requestId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select filed_by from dsr where id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
