package io.lethe.console;

import java.nio.charset.StandardCharsets;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Writes console answers. Pages are jte templates (src/main/jte/console/*.jte) precompiled at build time with content
 * type Html, so every {@code ${...}} is escaped for where it stands; each page template takes one parameter, its
 * view record. Every HTML answer carries the console's headers: a CSP that allows no script at all and nothing
 * from another origin, nosniff, no referrer, no caching.
 */
public final class ConsoleView {

    public static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders {@code console/<name>.jte} with its one parameter as the answer. */
    public void page(Exchange exchange, int status, String name, Object view) {
        StringOutput out = new StringOutput();
        engine.render("console/" + name + ".jte", view, out);
        html(exchange.getMessage(), status, out.toString());
    }

    public static void html(Message message, int status, String html) {
        start(message, status, "text/html; charset=UTF-8");
        message.setHeader("Content-Security-Policy", CSP);
        message.setHeader("X-Frame-Options", "DENY");
        message.setBody(html);
    }

    /** 303 See Other: after every POST, so a reload never repeats an action. */
    public static void redirect(Message message, String location) {
        start(message, 303, "text/plain; charset=UTF-8");
        message.setHeader("Location", location);
        message.setBody("");
    }

    /** A file to save (CSV export, access package), never shown inline. */
    public static void download(Message message, String contentType, String fileName, String body) {
        start(message, 200, contentType);
        message.setHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
        message.setBody(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets a header on the Vert.x response itself: Camel's header filter drops some (Cache-Control) from messages. */
    public static void responseHeader(Message message, String name, String value) {
        if (message instanceof HttpMessage http) {
            http.getResponse().putHeader(name, value);
        } else {
            message.setHeader(name, value);
        }
    }

    private static void start(Message message, int status, String contentType) {
        message.removeHeaders("*", Exchange.HTTP_RESPONSE_CODE); // nothing of the request is echoed back
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setHeader("X-Content-Type-Options", "nosniff");
        message.setHeader("Referrer-Policy", "no-referrer");
        responseHeader(message, "Cache-Control", "no-store");
    }
}
