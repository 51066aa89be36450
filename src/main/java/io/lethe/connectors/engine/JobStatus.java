package io.lethe.connectors.engine;

/**
 * A vendor's asynchronous job as its status operation reports it. {@code detail} holds codes only; {@code data} what
 * a finished export job yields (Mixpanel's file link), personal data to be sealed, or null.
 */
public record JobStatus(State state, String detail, String data) {

    public enum State { RUNNING, DONE, FAILED }

    public JobStatus(State state, String detail) {
        this(state, detail, null);
    }
}
