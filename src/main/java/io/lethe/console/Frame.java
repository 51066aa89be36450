package io.lethe.console;

import java.util.List;

import org.apache.camel.Exchange;

/**
 * What the layout (src/main/jte/console/layout.jte) needs around every signed-in page: the title, the navigation
 * for the role, who is signed in, and the CSRF token for the forms on the page. Null session: the sign-in page.
 */
public record Frame(String title, String current, List<Nav.Entry> nav, String keyName, String role, String csrf,
        boolean admin) {

    /** The frame of a signed-in page; {@code current} is the nav path it belongs under. */
    public static Frame of(Exchange exchange, String title, String current) {
        ConsoleSession s = ConsoleGuard.session(exchange);
        return new Frame(title, current, Nav.visible(exchange.getContext(), s), s.principal().keyName(),
                s.role().wire(), s.csrf(), s.isAdmin());
    }

    /** The frame of a page shown without a session (sign-in, a refusal before sign-in). */
    public static Frame signedOut(String title) {
        return new Frame(title, "", List.of(), null, null, null, false);
    }

    public boolean signedIn() {
        return keyName != null;
    }

    public boolean isCurrent(Nav.Entry entry) {
        return entry.path().equals(current);
    }
}
