package io.lethe.console;

/** Not an error: answers 303 See Other to {@code location} (after a POST, or to the sign-in form). */
public final class ConsoleRedirect extends RuntimeException {

    private final String location;

    public ConsoleRedirect(String location) {
        super(location, null, false, false);
        if (!location.startsWith("/console/")) {
            throw new IllegalArgumentException("console redirects stay inside the console");
        }
        this.location = location;
    }

    public String location() {
        return location;
    }
}
