package io.lethe.register;

/** The {@code after} of a history request is not the position of an event of that subject. */
public final class UnknownHistoryCursorException extends RuntimeException {

    public UnknownHistoryCursorException() {
        super("not the position of an event of this subject's history");
    }
}
