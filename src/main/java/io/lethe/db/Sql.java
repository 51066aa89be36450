package io.lethe.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

/**
 * The hub's two JDBC idioms, written once: a unit of work in one transaction (failures unchecked, named by what was
 * being done), and a query over a long list of values as a series of bounded {@code in (...)} lists (databases cap
 * bind parameters, and PostgreSQL plans a short list better than a huge one).
 */
public final class Sql {

    /** A default size for {@code in (...)} lists. */
    public static final int IN_LIST_CHUNK = 500;

    private Sql() {
    }

    /** Reads one row of a result. */
    @FunctionalInterface
    public interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    /** Runs {@code work} in one transaction: commit on success, roll back on any failure. */
    public static <T> T transaction(DataSource dataSource, String what, Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new DatabaseException(what + " failed", e);
        }
    }

    /**
     * Runs {@code prefix (?, ?, ...) suffix} once per chunk of at most {@code chunk} values and reads every row; the
     * values (strings or numbers) are the statement's only parameters.
     */
    public static void forEachChunk(Connection c, String prefix, List<?> values, String suffix, int chunk,
            RowReader reader) throws SQLException {
        for (int from = 0; from < values.size(); from += chunk) {
            List<?> part = values.subList(from, Math.min(values.size(), from + chunk));
            try (PreparedStatement ps = c.prepareStatement(prefix + "(" + placeholders(part.size()) + ")" + suffix)) {
                for (int i = 0; i < part.size(); i++) {
                    ps.setObject(i + 1, part.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reader.read(rs);
                    }
                }
            }
        }
    }

    /** {@code ?, ?, ?} for n parameters. */
    public static String placeholders(int n) {
        return "?, ".repeat(Math.max(0, n - 1)) + (n > 0 ? "?" : "");
    }
}
