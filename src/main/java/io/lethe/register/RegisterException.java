package io.lethe.register;

/** The register's storage failed; the message never carries personal data. */
public class RegisterException extends RuntimeException {
    public RegisterException(String message, Throwable cause) {
        super(message, cause);
    }
}
