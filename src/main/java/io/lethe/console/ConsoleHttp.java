package io.lethe.console;

import java.util.Locale;

import io.lethe.api.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/** What the console reads from the HTTP request: the session cookie, the path, whether it came over TLS. */
public final class ConsoleHttp {

    private final TrustedProxies proxies;
    private final boolean publicHttps;
    private final String publicAuthority;

    /** @param publicUrl {@code lethe.public-url}: an https address means the hub is always reached over TLS. */
    public ConsoleHttp(TrustedProxies proxies, String publicUrl) {
        this.proxies = proxies;
        this.publicHttps = publicUrl != null && publicUrl.strip().toLowerCase(Locale.ROOT).startsWith("https://");
        this.publicAuthority = authority(publicUrl);
    }

    /**
     * A form's {@code Origin} (sent by browsers with every POST) names the hub itself: the {@code Host} it was sent to,
     * or the hub's public address. Missing is accepted (SameSite=Strict and the CSRF token still hold); another
     * site, or the opaque {@code null} of a sandboxed frame, is not: this is what stops a login CSRF from a browser
     * that sends no {@code Sec-Fetch-Site}.
     */
    public boolean sameOrigin(String origin, String host) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        String from = authority(origin);
        return from != null && (from.equalsIgnoreCase(host == null ? "" : host.strip())
                || from.equalsIgnoreCase(publicAuthority == null ? "" : publicAuthority));
    }

    private static String authority(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            java.net.URI uri = java.net.URI.create(url.strip());
            return uri.getScheme() == null || uri.getRawAuthority() == null ? null : uri.getRawAuthority();
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** The console session cookie's value, or null. */
    public static String sessionCookie(Message in) {
        String header = in.getHeader("Cookie", String.class);
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String c = part.strip();
            if (c.startsWith(ConsoleSessions.COOKIE + "=")) {
                return c.substring(ConsoleSessions.COOKIE.length() + 1);
            }
        }
        return null;
    }

    public static String method(Message in) {
        return in.getHeader(Exchange.HTTP_METHOD, "GET", String.class).toUpperCase(Locale.ROOT);
    }

    /**
     * The browser reached the hub over TLS: directly, or through a proxy of {@code LETHE_TRUSTED_PROXIES} that says
     * so in {@code X-Forwarded-Proto}, or the hub's public address is https. Then the cookie is {@code Secure}.
     */
    public boolean overTls(Message in) {
        if (publicHttps) {
            return true;
        }
        if (!(in instanceof HttpMessage http)) {
            return false;
        }
        HttpServerRequest request = http.getRequest();
        if (request.isSSL()) {
            return true;
        }
        String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        String proto = request.getHeader("X-Forwarded-Proto");
        return proto != null && proto.strip().equalsIgnoreCase("https") && proxies.trusts(peer);
    }

    /** The {@code Set-Cookie} value of a session (or, with a null id, of its removal). */
    public String cookie(String sessionId, boolean secure) {
        StringBuilder c = new StringBuilder(ConsoleSessions.COOKIE).append('=')
                .append(sessionId == null ? "" : sessionId).append("; Path=/console; HttpOnly; SameSite=Strict");
        if (sessionId == null) {
            c.append("; Max-Age=0");
        }
        if (secure) {
            c.append("; Secure");
        }
        return c.toString();
    }
}
