package io.lethe.dispatch;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.db.Sql;
import io.lethe.db.Transactions;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands that keep failing must not stay invisible. A connector whose oldest command still not delivered is older
 * than {@code lethe.dispatch.alert-after} is stalled: {@code GET /api/v1/connectors} says so until the command is
 * delivered (or a person closes it), and the DPO gets one e-mail per stall, not one per check.
 */
public final class StalledCommands {

    private static final Logger LOG = LoggerFactory.getLogger(StalledCommands.class);

    private final DataSource dataSource;
    private final Connectors connectors;
    private final MailOutbox mail;
    private final String dpoEmail;
    private final Duration alertAfter;
    private final Clock clock;

    public StalledCommands(DataSource dataSource, Connectors connectors, MailOutbox mail, String dpoEmail,
            Duration alertAfter, Clock clock) {
        this.dataSource = dataSource;
        this.connectors = connectors;
        this.mail = mail;
        this.dpoEmail = dpoEmail;
        this.alertAfter = alertAfter;
        this.clock = clock;
    }

    /** The creation time of each connector's oldest command not yet delivered (pending or in flight). */
    public Map<String, Instant> oldestUndelivered() {
        return inTransaction(c -> {
            Map<String, Instant> oldest = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select connector, min(created_at) from outbox_command"
                    + " where status in ('pending', 'in_flight') group by connector"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    oldest.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant());
                }
            }
            return oldest;
        });
    }

    /** Whether a command created at {@code oldest} has waited past the alert threshold. */
    public boolean stalled(Instant oldest) {
        return oldest != null && oldest.plus(alertAfter).isBefore(clock.instant());
    }

    /** Timer step: alert once for each connector that became stalled, forget the alert of those that recovered. */
    public void check() {
        Map<String, Instant> oldest = oldestUndelivered();
        for (String connector : connectors.enabled().stream().map(Connector::id).toList()) {
            Instant since = oldest.get(connector);
            if (stalled(since)) {
                if (markAlerted(connector, since)) {
                    LOG.warn("Connector {}: commands undelivered since {}; the DPO is told", connector, since);
                }
            } else {
                clearAlert(connector);
            }
        }
    }

    /** True when this call set the alert; its DPO mail is queued in the same transaction, so exactly once. */
    private boolean markAlerted(String connector, Instant since) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into connector_state (connector)"
                    + " select ? where not exists (select 1 from connector_state where connector = ?)")) {
                ps.setString(1, connector);
                ps.setString(2, connector);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("update connector_state set stall_alerted_at = ?"
                    + " where connector = ? and stall_alerted_at is null")) {
                ps.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
                ps.setString(2, connector);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            mail.enqueue(c, "dpo-stalled", MailOutbox.Recipient.DPO, null, new OutgoingMail(dpoEmail,
                    "[Lethe] commands to " + connector + " are stalled", alertText(connector, since)));
            return true;
        });
    }

    private void clearAlert(String connector) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update connector_state set stall_alerted_at = null"
                    + " where connector = ? and stall_alerted_at is not null")) {
                ps.setString(1, connector);
                return ps.executeUpdate();
            }
        });
    }

    private String alertText(String connector, Instant since) {
        return "Commands to connector " + connector + " have not been delivered since " + since
                + " (more than " + alertAfter + ").\n\nLethe keeps retrying them; see GET /api/v1/connectors for the"
                + " connector's health and GET /api/v1/sync-log?vendor=" + connector + " for every attempt and its"
                + " reason.\n";
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        return Sql.transaction(dataSource, "stalled-command check", work);
    }
}
