package io.lethe.mail;

import java.util.LinkedHashMap;
import java.util.Map;

import io.lethe.notify.Templates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the DPO ({@code LETHE_DPO_EMAIL}, through the mail queue) about a message of the hub's mailbox that needs a person, with the
 * {@code dpo-mailbox} template. The alert names the message (its Message-ID, the folder it is in, the request it
 * concerns), never its content.
 */
public final class MailboxAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxAlerts.class);

    private final io.lethe.notify.MailOutbox mail;
    private final Templates templates;
    private final String dpoEmail;

    public MailboxAlerts(io.lethe.notify.MailOutbox mail, Templates templates, String dpoEmail) {
        this.mail = mail;
        this.templates = templates;
        this.dpoEmail = dpoEmail == null ? "" : dpoEmail.strip();
    }

    public void tell(String reason, String messageId, String folder, String requestId) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("reason", reason);
        values.put("messageId", messageId == null ? "(none)" : messageId);
        values.put("where", folder == null ? "It is in the inbox, marked as read." : "It was moved to the folder " + folder + ".");
        values.put("requestId", requestId == null ? "<requestId>" : requestId);
        LOG.warn("Mailbox: {} (Message-ID {})", reason, values.get("messageId"));
        if (dpoEmail.isEmpty()) {
            LOG.warn("LETHE_DPO_EMAIL is not set: nobody was e-mailed about it");
            return;
        }
        try {
            Templates.Message m = templates.render("dpo-mailbox", values);
            mail.enqueue("dpo-mailbox", io.lethe.notify.MailOutbox.Recipient.DPO, requestId,
                    new io.lethe.notify.OutgoingMail(dpoEmail, m.subject(), m.body()));
        } catch (RuntimeException e) {
            LOG.error("Could not e-mail the DPO about a mailbox message: {}", e.getClass().getSimpleName());
        }
    }
}
