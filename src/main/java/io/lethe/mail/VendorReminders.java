package io.lethe.mail;

import java.time.Duration;

import io.lethe.connectors.Connectors;
import io.lethe.mail.VendorLetters;
import io.lethe.notify.MailOutbox;
import io.lethe.requests.RequestService;

/** Reminds vendors without an API that have not answered a request within the reminder period (through the mail queue). */
public final class VendorReminders {

    private final RequestService requests;
    private final Connectors connectors;
    private final VendorLetters email;
    private final Duration after;
    private final MailOutbox mail;

    public VendorReminders(RequestService requests, Connectors connectors, VendorLetters email, Duration after,
            MailOutbox mail) {
        this.mail = mail;
        this.requests = requests;
        this.connectors = connectors;
        this.email = email;
        this.after = after;
    }

    public int run() {
        return requests.remindSilentVendors(after, (connector, values) ->
                // only vendors asked by e-mail are reminded; an API vendor's submitted job is polled (VendorJobs)
                connectors.enabled(connector).filter(c -> c.descriptor().client().transport().equals("mail"))
                        .ifPresent(c -> mail.enqueue("vendor-reminder", MailOutbox.Recipient.VENDOR,
                        values.get("ref").split("/")[0], email.reminder(c, values))));
    }
}
