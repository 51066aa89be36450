package io.lethe.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;

/**
 * One e-mail to the DPO per connector and batch of commands that need a person (a refusal no retry can fix), queued
 * after dispatch has committed them (routes/lifecycle.camel.yaml) in the transaction that marks them alerted: each
 * such command is alerted exactly once, and the sweep alerts what a stop between the two transactions missed.
 */
public final class DpoAlerts {

    private static final String UNALERTED = "select id, connector, subject_id, action, purpose, detail from"
            + " outbox_command where status = 'action_required' and dpo_alerted_at is null";

    private final DataSource dataSource;
    private final MailOutbox mail;
    private final String dpoEmail;
    private final Clock clock;

    public DpoAlerts(DataSource dataSource, MailOutbox mail, String dpoEmail, Clock clock) {
        this.dataSource = dataSource;
        this.mail = mail;
        this.dpoEmail = dpoEmail;
        this.clock = clock;
    }

    private record Refused(long id, String connector, String line) {
    }

    /** Route step: alerts the commands among those just finished that need a person (the body stays as it is). */
    public void alert(List<Command> finished) {
        List<Long> ids = finished.stream().map(Command::id).toList();
        Sql.transaction(dataSource, "alerting the DPO", c -> {
            List<Refused> refused = new ArrayList<>();
            Sql.forEachChunk(c, UNALERTED + " and id in ", ids, " for update", Sql.IN_LIST_CHUNK,
                    rs -> refused.add(refused(rs)));
            return queue(c, refused);
        });
    }

    /** Sweep step: alerts every command that needs a person and was not alerted yet. */
    public int sweep() {
        return Sql.transaction(dataSource, "alerting the DPO", c -> {
            List<Refused> refused = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(UNALERTED + " order by id limit 1000 for update");
                    var rs = ps.executeQuery()) {
                while (rs.next()) {
                    refused.add(refused(rs));
                }
            }
            return queue(c, refused);
        });
    }

    private static Refused refused(java.sql.ResultSet rs) throws SQLException {
        String purpose = rs.getString(5);
        return new Refused(rs.getLong(1), rs.getString(2), "  " + rs.getString(3) + "  " + rs.getString(4)
                + (purpose == null ? "" : " " + purpose) + ": " + rs.getString(6) + "\n");
    }

    private int queue(Connection c, List<Refused> refused) throws SQLException {
        Map<String, StringBuilder> lines = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Refused r : refused) {
            lines.computeIfAbsent(r.connector(), k -> new StringBuilder()).append(r.line());
            counts.merge(r.connector(), 1, Integer::sum);
        }
        for (Map.Entry<String, StringBuilder> e : lines.entrySet()) {
            String connector = e.getKey();
            String text = "Lethe could not complete " + counts.get(connector) + " command(s) at connector " + connector
                    + ".\n\nThey are marked action_required. Subject ids (look them up in Lethe), with the reason:\n"
                    + e.getValue() + "\nThe sync log (GET /api/v1/sync-log?vendor=" + connector + ") has each attempt.\n";
            mail.enqueue(c, "dpo-action-required", MailOutbox.Recipient.DPO, null,
                    new OutgoingMail(dpoEmail, "[Lethe] action required at " + connector, text));
        }
        try (PreparedStatement ps = c.prepareStatement("update outbox_command set dpo_alerted_at = ? where id = ?")) {
            for (Refused r : refused) {
                ps.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
                ps.setLong(2, r.id());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return refused.size();
    }
}
