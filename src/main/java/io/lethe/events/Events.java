package io.lethe.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Publishes an event for other systems: appended to {@code event_log} in the caller's transaction, so the event
 * exists exactly when the change it tells of commits. {@link EventLog} gives it its public id (seq) afterwards.
 * {@code data} holds ids, purposes, statuses, connector ids and request types only, never personal data: receivers
 * that may see identities get them at delivery time (io.lethe.webhooks).
 */
public final class Events {

    public static final String CONSENT_CHANGED = "consent.changed";
    public static final String REQUEST_STATUS_CHANGED = "request.status_changed";
    public static final String CONNECTOR_HEALTH_CHANGED = "connector.health_changed";
    public static final String BREACH_RECORDED = "breach.recorded";
    public static final List<String> TYPES = List.of(CONSENT_CHANGED, REQUEST_STATUS_CHANGED, CONNECTOR_HEALTH_CHANGED,
            BREACH_RECORDED);

    /** The most a data object may take once written (the column's size). */
    static final int DATA_MAX = 4000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    /** Appends one event now ({@link Instant#now()}); see {@link #publish(Connection, String, String, Map, Instant)}. */
    public static void publish(Connection c, String type, String subjectId, Map<String, ?> data) throws SQLException {
        publish(c, type, subjectId, data, Instant.now());
    }

    /**
     * Appends one event. {@code type}: one of {@link #TYPES}; {@code subjectId}: the register's opaque id, or null
     * for an event about no one (a connector's health).
     */
    public static void publish(Connection c, String type, String subjectId, Map<String, ?> data, Instant at)
            throws SQLException {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown event type " + type);
        }
        String json;
        try {
            json = JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data is not serialisable", e);
        }
        if (json.length() > DATA_MAX) {
            throw new IllegalArgumentException("event data over " + DATA_MAX + " characters");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "insert into event_log (type, occurred_at, subject_id, data) values (?, ?, ?, ?)")) {
            ps.setString(1, type);
            ps.setObject(2, at.atOffset(ZoneOffset.UTC));
            ps.setString(3, subjectId);
            ps.setString(4, json);
            ps.executeUpdate();
        }
    }
}
