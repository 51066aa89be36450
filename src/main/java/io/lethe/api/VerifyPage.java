package io.lethe.api;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * The small HTML pages of the identity link: no script, no style, nothing from elsewhere; the only form posts back to
 * the hub itself. Never cached, never sent on as a referrer (the token is in the address).
 */
final class VerifyPage {

    static final String CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    static final String INVALID = page("Link not valid", "<p>This link is not valid: it was used already, has expired,"
            + " or is mistyped.</p>");
    static final String STARTED = page("Confirmed", "<p>Thank you. Your request is confirmed and is being"
            + " processed.</p>");
    static final String RECORDED = page("Address confirmed", "<p>Thank you, this address is confirmed. The request"
            + " goes ahead once every address it concerns is confirmed through the link sent to it.</p>");

    private VerifyPage() {
    }

    /** The page of an open link: a button that confirms it (the token is in the path, so nothing else is posted). */
    static String confirm(String token) {
        return page("Confirm your request", "<p>Please confirm that you made this request.</p>"
                + "<form method=\"post\" action=\"/verify/" + escape(token) + "\">"
                + "<button type=\"submit\">Confirm my request</button></form>"
                + "<p>If you did not make it, close this page and nothing will happen.</p>");
    }

    static void write(Message message, int status, String html) {
        Responses.clearInboundHeaders(message);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "text/html; charset=UTF-8");
        message.setHeader("Content-Security-Policy", CSP);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Cache-Control", "no-store");
        if (message instanceof HttpMessage http) {
            // Camel's HTTP header filter never lets a Cache-Control header of the message out: set it on the response.
            http.getResponse().putHeader("Cache-Control", "no-store");
        }
        message.setHeader("Referrer-Policy", "no-referrer");
        message.setBody(html);
    }

    private static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + "</title></head><body>" + body + "</body></html>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
