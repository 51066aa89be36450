package io.lethe.mail;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Starts watching the hub's mailbox once the hub is up, when {@code LETHE_IMAP_URL} is set. The hub reads each
 * message itself ({@code mapMailMessage=false}), so one it cannot read never stops the consumer, and the
 * {@link MailboxWatch} sees every poll ({@code pollStrategy}, {@code exceptionHandler}).
 */
public final class MailIntakeStarter implements StartupListener {

    private static final Pattern DELAY = Pattern.compile("[?&]delay=(\\d+)");
    private final String mailboxUri;

    public MailIntakeStarter(String mailboxUri) {
        this.mailboxUri = mailboxUri == null ? "" : mailboxUri.strip();
    }

    public boolean enabled() {
        return !mailboxUri.isEmpty();
    }

    /** The consumer's poll interval (camel-mail's default is one minute). */
    public Duration pollDelay() {
        Matcher m = DELAY.matcher(mailboxUri);
        return Duration.ofMillis(m.find() ? Long.parseLong(m.group(1)) : 60_000L);
    }

    String consumerUri() {
        return mailboxUri + (mailboxUri.contains("?") ? "&" : "?")
                + "mapMailMessage=false&skipFailedMessage=true&pollStrategy=#mailboxWatch&exceptionHandler=#mailboxWatch";
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the work happens once the context is fully started (below)
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        if (enabled()) {
            TemplatedRouteBuilder.builder(context, "mail-intake").routeId("mail-intake")
                    .parameter("mailboxUri", consumerUri()).add();
        }
    }
}
