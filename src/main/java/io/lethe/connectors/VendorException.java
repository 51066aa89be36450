package io.lethe.connectors;

import java.time.Duration;

/**
 * A vendor call that failed as a whole. The subclass says what dispatch does about it; messages carry status codes
 * and vendor error codes only, never a response body (it may hold personal data).
 */
public abstract class VendorException extends RuntimeException {

    private final Integer httpStatus;

    protected VendorException(String message, Integer httpStatus, Throwable cause) {
        super(message, cause, false, false);
        this.httpStatus = httpStatus;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    /** Worth retrying: 5xx, 408, timeouts, connection failures, and 429s. {@code retryAfter} is the vendor's word. */
    public static class Transient extends VendorException {
        private final Duration retryAfter;

        public Transient(String message, Integer httpStatus, Duration retryAfter, Throwable cause) {
            super(message, httpStatus, cause);
            this.retryAfter = retryAfter;
        }

        /** How long the vendor asked us to wait, or null when it did not say. */
        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** A limit that will not lift soon (daily quota, org limit): park the connector until {@code parkFor} has passed. */
    public static class LimitExhausted extends VendorException {
        private final Duration parkFor;

        public LimitExhausted(String message, Integer httpStatus, Duration parkFor) {
            super(message, httpStatus, null);
            this.parkFor = parkFor;
        }

        public Duration parkFor() {
            return parkFor;
        }
    }

    /** Retrying cannot help (bad credentials, refused request): a person must act. */
    public static class Permanent extends VendorException {
        public Permanent(String message, Integer httpStatus) {
            super(message, httpStatus, null);
        }
    }
}
