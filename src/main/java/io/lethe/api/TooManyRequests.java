package io.lethe.api;

/** A 429 refusal; {@link Problems} adds {@code Retry-After} with the seconds until the caller may try again. */
public final class TooManyRequests extends ApiProblem {

    private final long retryAfterSeconds;

    public TooManyRequests(String detail, long retryAfterSeconds) {
        super(429, "Too many requests", detail);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
