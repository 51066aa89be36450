package io.lethe.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox as the request life cycle reads it: a request's finished commands that its request has not taken yet,
 * and the requests a crash left with such commands. Every method works in the caller's transaction.
 */
public final class RequestCommands {

    private static final String FINISHED = "('done', 'skipped', 'action_required')";
    /** Finished, or delivered to an in-house receiver whose results come by callback (the request shows submitted). */
    private static final String ANSWERED = "('done', 'skipped', 'action_required', 'awaiting_callback')";

    /** A finished command of a request; {@code sealedResult} is an access export, sealed with the subject's key. */
    public record Finished(long id, String connector, String subjectId, CommandStatus status, String outcome,
            String detail, byte[] sealedResult) {
    }

    /**
     * The request's finished commands not taken by it yet, oldest first, locked until the caller's transaction ends:
     * a vendor job finishing one of them meanwhile (submitted, then completed) waits, and its new result is taken
     * next. Unlocked, the job's result was marked taken with the old one read and never reached the request (the
     * erasure benchmark: requests in_progress for good with a vendor "submitted" that the sync log shows completed).
     */
    public List<Finished> untaken(Connection c, String requestId) throws SQLException {
        List<Finished> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id, connector, subject_id, status, outcome, detail,"
                + " sealed_result from outbox_command where request_id = ? and request_advanced_at is null"
                + " and status in " + ANSWERED + " order by id for update")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Finished(rs.getLong(1), rs.getString(2), rs.getString(3),
                            CommandStatus.ofWire(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getBytes(7)));
                }
            }
        }
        return out;
    }

    /** Connectors at which the request still has a command to deliver (pending or in flight). */
    public List<String> busyConnectors(Connection c, String requestId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select distinct connector from outbox_command"
                + " where request_id = ? and status not in " + ANSWERED)) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The request has taken these commands' results; the sealed export copy is dropped with the mark. */
    public void markTaken(Connection c, List<Long> ids, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update outbox_command set request_advanced_at = ?, sealed_result = null where id = ?")) {
            for (Long id : ids) {
                ps.setObject(1, at.atOffset(ZoneOffset.UTC));
                ps.setLong(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Requests whose commands are all finished but not all taken: dispatch committed and the hand-off to the life
     * cycle failed or never ran (the hub stopped between the two transactions).
     */
    public List<String> stranded(Connection c, int max) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select distinct o.request_id from outbox_command o"
                + " where o.request_advanced_at is null and o.status in " + FINISHED + " and o.request_id is not null"
                + " and not exists (select 1 from outbox_command b where b.request_id = o.request_id"
                + " and b.status not in " + FINISHED + ") order by o.request_id limit ?")) {
            ps.setInt(1, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
