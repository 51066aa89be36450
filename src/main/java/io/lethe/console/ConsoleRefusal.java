package io.lethe.console;

/** A console request refused: rendered as an HTML page with this status by {@link ConsoleErrors}. */
public class ConsoleRefusal extends RuntimeException {

    private final int status;

    public ConsoleRefusal(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ConsoleRefusal notFound(String what) {
        return new ConsoleRefusal(404, what);
    }

    public static ConsoleRefusal invalid(String what) {
        return new ConsoleRefusal(400, what);
    }
}
