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

    /** @param publicUrl {@code lethe.public-url}: an https address means the hub is always reached over TLS. */
    public ConsoleHttp(TrustedProxies proxies, String publicUrl) {
        this.proxies = proxies;
        this.publicHttps = publicUrl != null && publicUrl.strip().toLowerCase(Locale.ROOT).startsWith("https://");
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
