package io.lethe.register;

/** The register's storage failed; the message never carries personal data. */
public class RegisterException extends io.lethe.db.DatabaseException {
    public RegisterException(String message, Throwable cause) {
        super(message, cause);
    }
}
