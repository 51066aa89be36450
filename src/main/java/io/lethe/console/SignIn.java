package io.lethe.console;

import java.util.Optional;

import io.lethe.api.ApiKeys;
import io.lethe.api.ClientAddress;
import io.lethe.api.Principal;
import io.lethe.api.RateLimits;
import io.lethe.api.TooManyRequests;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * {@code GET /console/} (the sign-in form, or the first page of a signed-in user), {@code POST /console/sign-in}
 * and {@code POST /console/sign-out}. The key is checked exactly as the API checks a bearer key ({@link ApiKeys}), and
 * wrong keys count against the client address like the API's 401s ({@link RateLimits}).
 */
public final class SignIn {

    /** The sign-in page's view. */
    public record View(Frame frame, String message, long idleMinutes) {
    }

    private final ConsoleSessions sessions;
    private final ApiKeys keys;
    private final RateLimits limits;
    private final ConsoleHttp http;
    private final ConsoleView view;

    public SignIn(ConsoleSessions sessions, ApiKeys keys, RateLimits limits, ConsoleHttp http, ConsoleView view) {
        this.sessions = sessions;
        this.keys = keys;
        this.limits = limits;
        this.http = http;
        this.view = view;
    }

    public void home(Exchange exchange) {
        ConsoleSession session = ConsoleGuard.session(exchange);
        if (session == null) {
            form(exchange, 200, null);
            return;
        }
        Optional<String> landing = Nav.landing(exchange.getContext(), session);
        if (landing.isPresent()) {
            ConsoleView.redirect(exchange.getMessage(), landing.get());
        } else {
            throw new ConsoleRefusal(403, "There is no console page for the " + session.role().wire() + " role.");
        }
    }

    public void signIn(Exchange exchange) {
        Message in = exchange.getMessage();
        ClientAddress client = limits.client(in);
        try {
            limits.beforeAuthentication(client);
        } catch (TooManyRequests tooMany) {
            form(exchange, 429, "Too many wrong keys from this address: try again in " + tooMany.retryAfterSeconds()
                    + " seconds.");
            return;
        }
        String key = Form.of(exchange).raw("apiKey");
        exchange.removeProperty(Form.PROPERTY); // the key goes no further
        Optional<Principal> principal = keys.authenticate(key == null ? null : key.strip());
        if (principal.isEmpty()) {
            if (key != null && !key.isBlank()) {
                limits.authenticationFailed(client);
            }
            form(exchange, 401, "That key was not accepted.");
            return;
        }
        if (!Access.CONSOLE_ROLES.contains(principal.get().role())) {
            form(exchange, 403, "The " + principal.get().role().wire() + " role has no console.");
            return;
        }
        ConsoleSession previous = ConsoleGuard.session(exchange);
        if (previous != null) {
            sessions.end(previous.id()); // a new id at every sign-in: a planted cookie never becomes a session
        }
        ConsoleSession session = sessions.start(principal.get());
        exchange.setProperty(ConsoleGuard.SESSION, session);
        String landing = Nav.landing(exchange.getContext(), session).orElse("/console/");
        ConsoleView.redirect(in, landing);
        ConsoleView.responseHeader(in, "Set-Cookie", http.cookie(session.id(), http.overTls(in)));
    }

    public void signOut(Exchange exchange) {
        Message in = exchange.getMessage();
        sessions.end(ConsoleGuard.session(exchange).id());
        ConsoleView.redirect(in, "/console/");
        ConsoleView.responseHeader(in, "Set-Cookie", http.cookie(null, http.overTls(in)));
    }

    private void form(Exchange exchange, int status, String message) {
        view.page(exchange, status, "sign-in", new View(Frame.signedOut("Sign in"), message,
                sessions.idle().toMinutes()));
    }
}
