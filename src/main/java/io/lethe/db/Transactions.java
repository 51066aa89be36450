package io.lethe.db;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** Runs work in one JDBC transaction: commit on success, roll back on any failure. */
public final class Transactions {

    private Transactions() {
    }

    /** Work on a connection that is in a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** What runs once the current transaction has committed (nothing when it rolls back). */
    private static final ThreadLocal<java.util.List<Runnable>> AFTER_COMMIT = new ThreadLocal<>();

    /**
     * Runs {@code action} after the transaction this thread is in commits (at once when it is in none): e.g. waking
     * dispatch for commands that only exist once committed. A failing action is logged by the caller's own means.
     */
    public static void afterCommit(Runnable action) {
        java.util.List<Runnable> pending = AFTER_COMMIT.get();
        if (pending == null) {
            action.run();
        } else {
            pending.add(action);
        }
    }

    public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
        boolean outermost = AFTER_COMMIT.get() == null;
        if (outermost) {
            AFTER_COMMIT.set(new java.util.ArrayList<>());
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                result = work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                if (outermost) {
                    AFTER_COMMIT.get().clear();
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            if (outermost) {
                java.util.List<Runnable> pending = java.util.List.copyOf(AFTER_COMMIT.get());
                AFTER_COMMIT.remove();
                pending.forEach(Runnable::run);
            }
            return result;
        } finally {
            if (outermost) {
                AFTER_COMMIT.remove();
            }
        }
    }
}
