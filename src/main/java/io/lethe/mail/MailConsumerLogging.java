package io.lethe.mail;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailEndpoint;
import org.apache.camel.spi.EndpointStrategy;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps message content out of the log of every camel-mail consumer (the hub's mailbox). Camel's default exception
 * handler logs the failure's message, and Jakarta Mail's decoding errors quote the message itself ("the 10 most
 * recent characters were: ..."), so a broken message in the mailbox wrote a piece of someone's mail into the log on
 * every poll. This handler logs Camel's own text (which names the endpoint with its secrets masked) and the kinds of
 * failure only. Installed on each mail endpoint as it is created, wherever its route is declared.
 */
public final class MailConsumerLogging implements EndpointStrategy, ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MailConsumerLogging.class);

    public static void install(CamelContext context) {
        context.getCamelContextExtension().registerEndpointCallback(new MailConsumerLogging());
    }

    @Override
    public Endpoint registerEndpoint(String uri, Endpoint endpoint) {
        if (endpoint instanceof MailEndpoint mail) {
            mail.setExceptionHandler(this);
        }
        return endpoint;
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        LOG.warn("{} (caused by {})", message == null ? "Reading the mailbox failed" : message, kinds(exception));
    }

    /** The failure's classes along its cause chain, never their messages. */
    static String kinds(Throwable failure) {
        List<String> kinds = new ArrayList<>();
        for (Throwable t = failure; t != null && kinds.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
            kinds.add(t.getClass().getName());
        }
        return kinds.isEmpty() ? "unknown failure" : String.join(" <- ", kinds);
    }
}
