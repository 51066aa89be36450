package io.lethe.connectors.engine;

/** A vendor's asynchronous job as its status operation reports it. {@code detail} holds codes only. */
public record JobStatus(State state, String detail) {

    public enum State { RUNNING, DONE, FAILED }
}
