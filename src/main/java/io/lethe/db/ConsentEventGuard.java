package io.lethe.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.h2.api.Trigger;

/**
 * H2's counterpart of the PostgreSQL {@code consent_event_guard()}: consent events are append-only, with one
 * exception, blanking the clear-text {@code source} of a row written before sources were sealed (the hub seals it
 * into {@code sealed_source}, or a crypto-shred erases it). Any other change of any other column is refused.
 */
public class ConsentEventGuard implements Trigger {

    private String table;
    private int source = -1;
    private int sealedSource = -1;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type)
            throws SQLException {
        this.table = tableName;
        List<String> columns = new ArrayList<>();
        try (ResultSet rs = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT)); // in ordinal order (JDBC)
            }
        }
        source = columns.indexOf("source");
        sealedSource = columns.indexOf("sealed_source");
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (newRow != null && isSourceRedaction(oldRow, newRow)) {
            return;
        }
        throw new SQLException(table + " is append-only: " + (newRow == null ? "DELETE" : "UPDATE") + " refused", "42501");
    }

    private boolean isSourceRedaction(Object[] oldRow, Object[] newRow) {
        if (source < 0 || sealedSource < 0 || oldRow[source] == null || newRow[source] != null
                || oldRow[sealedSource] != null) {
            return false;
        }
        for (int i = 0; i < oldRow.length; i++) {
            if (i != source && i != sealedSource && !Objects.deepEquals(oldRow[i], newRow[i])) {
                return false;
            }
        }
        return true;
    }
}
