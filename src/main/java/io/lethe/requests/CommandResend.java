package io.lethe.requests;

import java.time.Clock;
import java.util.Optional;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import io.lethe.dispatch.Command;
import io.lethe.dispatch.Outbox;

/**
 * A person sends a command that waited for them ({@code action_required}) again, after fixing its cause. Its request,
 * if it had ended {@code action_required} for that vendor, is open again ({@code in_progress}, the vendor
 * {@code queued}) so that it finishes by itself when the command is delivered; one transaction for both.
 */
final class CommandResend {

    private final DataSource dataSource;
    private final Outbox outbox;
    private final RequestStore store;
    private final Clock clock;

    CommandResend(DataSource dataSource, Outbox outbox, RequestStore store, Clock clock) {
        this.dataSource = dataSource;
        this.outbox = outbox;
        this.store = store;
        this.clock = clock;
    }

    /** The command sent again, or empty when it does not wait for a person. */
    Optional<Command> resend(long commandId, String who) {
        return Sql.transaction(dataSource, "sending command " + commandId + " again", c -> {
            Optional<Command> sent = outbox.resend(c, commandId, who);
            if (sent.isPresent() && sent.get().requestId() != null) {
                String requestId = sent.get().requestId();
                store.lock(c, requestId);
                Optional<DataSubjectRequest> r = store.find(c, requestId);
                if (r.isPresent() && (r.get().status() == RequestStatus.ACTION_REQUIRED
                        || r.get().status() == RequestStatus.IN_PROGRESS)) {
                    store.setStatus(c, requestId, RequestStatus.IN_PROGRESS, clock.instant());
                    store.setVendor(c, requestId, sent.get().connector(), "queued", "sent again", clock.instant());
                }
            }
            return sent;
        });
    }
}
