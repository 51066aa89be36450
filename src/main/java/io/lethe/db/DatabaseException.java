package io.lethe.db;

/** A database operation failed (the SQLException is the cause); unchecked, so callers above JDBC stay plain. */
public class DatabaseException extends RuntimeException {
    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
