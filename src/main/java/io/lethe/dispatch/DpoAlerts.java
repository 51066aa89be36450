package io.lethe.dispatch;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;

/**
 * One e-mail to the DPO per connector and batch of commands that need a person (a refusal no retry can fix), queued in
 * the transaction that marks them {@code action_required}: the alert exists exactly when the state does.
 */
public final class DpoAlerts implements Outbox.Listener {

    private final MailOutbox mail;
    private final String dpoEmail;

    public DpoAlerts(MailOutbox mail, String dpoEmail) {
        this.mail = mail;
        this.dpoEmail = dpoEmail;
    }

    @Override
    public void onFinished(Connection c, List<Command> commands, List<Outbox.Result> results) throws SQLException {
        Map<Long, Command> byId = new HashMap<>();
        commands.forEach(cmd -> byId.put(cmd.id(), cmd));
        Map<String, StringBuilder> lines = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (Outbox.Result r : results) {
            Command cmd = byId.get(r.commandId());
            if (cmd == null || r.status() != CommandStatus.ACTION_REQUIRED) {
                continue;
            }
            lines.computeIfAbsent(cmd.connector(), k -> new StringBuilder()).append("  ").append(cmd.subjectId())
                    .append("  ").append(cmd.action()).append(cmd.purpose() == null ? "" : " " + cmd.purpose())
                    .append(": ").append(r.detail()).append('\n');
            counts.merge(cmd.connector(), 1, Integer::sum);
        }
        for (Map.Entry<String, StringBuilder> e : lines.entrySet()) {
            String connector = e.getKey();
            String text = "Lethe could not complete " + counts.get(connector) + " command(s) at connector " + connector
                    + ".\n\nThey are marked action_required. Subject ids (look them up in Lethe), with the reason:\n"
                    + e.getValue() + "\nThe sync log (GET /api/v1/sync-log?vendor=" + connector + ") has each attempt.\n";
            mail.enqueue(c, "dpo-action-required", MailOutbox.Recipient.DPO, null,
                    new OutgoingMail(dpoEmail, "[Lethe] action required at " + connector, text));
        }
    }
}
