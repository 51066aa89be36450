package io.lethe.console;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** onException of the "console" route configuration: redirects, refusals and failures as console pages. */
public final class ConsoleErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleErrors.class);

    /** The refusal page's view. */
    public record Refused(Frame frame, int status, String message) {
    }

    private final ConsoleView view;

    public ConsoleErrors(ConsoleView view) {
        this.view = view;
    }

    public void render(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause instanceof ConsoleRedirect redirect) {
            ConsoleView.redirect(exchange.getMessage(), redirect.location());
            return;
        }
        int status;
        String message;
        if (cause instanceof ConsoleRefusal refusal) {
            status = refusal.status();
            message = refusal.getMessage();
        } else {
            // The path may hold an id, never personal data; the exception itself is logged with its trace.
            LOG.error("Console page {} failed", exchange.getFromRouteId(), cause);
            status = 500;
            message = "The hub could not show this page; the failure is logged.";
        }
        ConsoleSession session = ConsoleGuard.session(exchange);
        Frame frame = session == null ? Frame.signedOut(title(status)) : Frame.of(exchange, title(status), "");
        view.page(exchange, status, "refused", new Refused(frame, status, message));
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Not understood";
            case 401 -> "Signed out";
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 409 -> "Not possible now";
            case 429 -> "Too many attempts";
            default -> "Something went wrong";
        };
    }
}
