package io.lethe.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.register.ConsentListener;

/**
 * {@code consent.changed}: one event per consent event that became its subject's current state of a purpose, in the
 * transaction that records it. An older event imported after a newer decision changes nothing and publishes nothing.
 */
public final class ConsentEvents implements ConsentListener {

    private final Clock clock;

    public ConsentEvents(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void onRecorded(Connection connection, List<RecordedConsent> recorded) throws SQLException {
        for (RecordedConsent r : recorded) {
            if (!r.current()) {
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("subjectId", r.subjectId());
            data.put("purpose", r.purpose());
            data.put("status", r.status().wire());
            data.put("consentEventId", r.eventId());
            Events.publish(connection, Events.CONSENT_CHANGED, r.subjectId(), data, clock.instant());
        }
    }
}
