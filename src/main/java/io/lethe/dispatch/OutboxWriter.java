package io.lethe.dispatch;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.register.ConsentListener;
import io.lethe.register.ConsentStatus;

/**
 * Turns consent events into outbox commands, in the register's transaction: a withdrawal or denial of a purpose
 * becomes one {@code opt_out} per enabled connector that maps the purpose. Grants become {@code opt_in} only where
 * the connector's descriptor says {@code pushOptIns: true} (re-subscribing normally needs the vendor's own
 * double opt-in). Only events that became the subject's current state send anything: importing an older grant must
 * not re-subscribe someone who withdrew since, nor an older withdrawal opt out someone who granted since.
 */
public final class OutboxWriter implements ConsentListener {

    private final Outbox outbox;
    private final Connectors connectors;

    public OutboxWriter(Outbox outbox, Connectors connectors) {
        this.outbox = outbox;
        this.connectors = connectors;
    }

    @Override
    public void onRecorded(Connection connection, List<RecordedConsent> recorded) throws SQLException {
        List<Outbox.NewCommand> commands = new ArrayList<>();
        for (RecordedConsent consent : recorded) {
            if (!consent.current()) {
                continue; // an older decision imported after a newer one: vendors follow the current state only
            }
            for (Connector connector : connectors.enabled()) {
                if (!connector.purposes().containsKey(consent.purpose())) {
                    continue;
                }
                if (consent.status() != ConsentStatus.GRANTED) {
                    commands.add(new Outbox.NewCommand(connector.id(), consent.subjectId(), "opt_out", consent.purpose(),
                            consent.eventId(), null));
                } else if (connector.descriptor().pushOptIns()) {
                    commands.add(new Outbox.NewCommand(connector.id(), consent.subjectId(), "opt_in", consent.purpose(),
                            consent.eventId(), null));
                }
            }
        }
        outbox.enqueue(connection, commands);
    }
}
