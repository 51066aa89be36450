package io.lethe.console;

import io.lethe.api.ApiKeys;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First step of every console route (the "console" route configuration's interceptFrom): finds the route's
 * {@link Access} from its group, the session from the cookie, checks the role, and for every request that may change
 * something (anything but GET and HEAD) the session's CSRF token from the form's hidden {@code csrf} field. A GET
 * without a session is sent to the sign-in form; anything else without one is refused.
 */
public final class ConsoleGuard implements Processor {

    public static final String SESSION = "lethe.console.session";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleGuard.class);

    private final ConsoleSessions sessions;
    private final ApiKeys keys;

    public ConsoleGuard(ConsoleSessions sessions, ApiKeys keys) {
        this.sessions = sessions;
        this.keys = keys;
    }

    /** The session of a guarded exchange. */
    public static ConsoleSession session(Exchange exchange) {
        return exchange.getProperty(SESSION, ConsoleSession.class);
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        Route route = exchange.getContext().getRoute(exchange.getFromRouteId());
        Access access = route == null ? null : Access.ofGroup(route.getGroup()).orElse(null);
        if (access == null) {
            LOG.error("Console route {} has no console group (console-open, -any, -review, -admin): refused",
                    exchange.getFromRouteId());
            throw new ConsoleRefusal(403, "This page is not open to anyone.");
        }
        String method = ConsoleHttp.method(in);
        boolean reading = method.equals("GET") || method.equals("HEAD");
        if (!reading) {
            // Defence in depth beside SameSite=Strict and the CSRF token (and the only one for the sign-in form):
            // a browser says where a form was posted from; a POST from another site is refused.
            String site = in.getHeader("Sec-Fetch-Site", String.class);
            if (site != null && !site.equals("same-origin") && !site.equals("none")) {
                throw new ConsoleRefusal(403, "Console forms are accepted only from the console's own pages.");
            }
            exchange.setProperty(Form.PROPERTY, Form.read(in));
        }
        String cookie = ConsoleHttp.sessionCookie(in);
        in.removeHeader("Cookie");
        ConsoleSession session = sessions.find(cookie).orElse(null);
        if (session != null && !keys.isCurrent(session.principal())) {
            sessions.endAllOf(session.principal().keyName()); // the key was revoked: its sessions end with it
            session = null;
        }
        if (session != null) {
            exchange.setProperty(SESSION, session);
        }
        if (access == Access.OPEN) {
            return;
        }
        if (session == null) {
            if (reading) {
                throw new ConsoleRedirect("/console/");
            }
            throw new ConsoleRefusal(401, "You are not signed in (or your session ended): sign in again.");
        }
        if (!access.allows(session.role())) {
            throw new ConsoleRefusal(403, "The " + session.role().wire() + " role may not open this page.");
        }
        if (!reading && !session.csrfMatches(Form.of(exchange).raw("csrf"))) {
            throw new ConsoleRefusal(403, "The form's security token is missing or wrong: reload the page and try"
                    + " again.");
        }
    }
}
