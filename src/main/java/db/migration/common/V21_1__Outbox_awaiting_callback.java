package db.migration.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Outbox state {@code awaiting_callback}: a webhook receiver answered 202 and will POST the results to
 * {@code /api/v1/callbacks/{connectorId}} later. In Java because V3 declared the status check without a name, and H2
 * names such constraints {@code CONSTRAINT_<n>}: the one to replace is found by its clause, on H2 and PostgreSQL alike.
 * The new one is named {@code outbox_command_status_check} (PostgreSQL's own name for it), so later migrations can
 * drop it by name on both databases.
 */
public class V21_1__Outbox_awaiting_callback extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        List<String> old = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select tc.constraint_name from information_schema.table_constraints tc"
                + " join information_schema.check_constraints cc on cc.constraint_name = tc.constraint_name"
                + " and cc.constraint_schema = tc.constraint_schema"
                + " where lower(tc.table_name) = 'outbox_command' and tc.constraint_type = 'CHECK'"
                + " and tc.table_schema = current_schema and cc.check_clause like '%in_flight%'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                old.add(rs.getString(1));
            }
        }
        try (Statement s = c.createStatement()) {
            for (String name : old) {
                s.execute("alter table outbox_command drop constraint \"" + name.replace("\"", "") + "\"");
            }
            s.execute("alter table outbox_command alter column status set data type varchar(24)");
            s.execute("alter table outbox_command add constraint outbox_command_status_check check (status in"
                    + " ('pending', 'in_flight', 'done', 'action_required', 'skipped', 'awaiting_callback'))");
            // Until when the receiver may call back; after it the command is sent again (same webhook-id).
            s.execute("alter table outbox_command add column callback_until timestamp with time zone");
            // Sends that ended in a 202 without a callback in time; after lethe.webhook.callback-resends: a person acts.
            s.execute("alter table outbox_command add column callback_resends int default 0 not null");
            // The DPO was told that this command's callback is overdue (once per command, not per sweep).
            s.execute("alter table outbox_command add column callback_alerted_at timestamp with time zone");
            s.execute("create index outbox_command_callback on outbox_command (status, callback_until)");
        }
    }
}
