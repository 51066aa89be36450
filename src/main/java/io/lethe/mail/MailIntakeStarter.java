package io.lethe.mail;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;

/** Starts watching the hub's mailbox once the hub is up, when {@code LETHE_IMAP_URL} is set. */
public final class MailIntakeStarter implements StartupListener {

    private final String mailboxUri;

    public MailIntakeStarter(String mailboxUri) {
        this.mailboxUri = mailboxUri == null ? "" : mailboxUri.strip();
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the work happens once the context is fully started (below)
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        if (!mailboxUri.isEmpty()) {
            TemplatedRouteBuilder.builder(context, "mail-intake").routeId("mail-intake")
                    .parameter("mailboxUri", mailboxUri).add();
        }
    }
}
