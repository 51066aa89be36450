package io.lethe.register;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Told of consent events inside the transaction that records them, so whatever it writes (the dispatch outbox)
 * commits or rolls back together with the events.
 */
@FunctionalInterface
public interface ConsentListener {

    void onRecorded(Connection connection, List<RecordedConsent> recorded) throws SQLException;

    /**
     * A consent event as just stored. {@code current}: it is now the subject's current state of the purpose (false
     * for an older event imported after a newer decision, or one outranked later in the same batch).
     */
    record RecordedConsent(String eventId, String subjectId, String purpose, ConsentStatus status, boolean current) {

        public RecordedConsent(String eventId, String subjectId, String purpose, ConsentStatus status) {
            this(eventId, subjectId, purpose, status, true);
        }
    }
}
