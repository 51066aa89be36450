package io.lethe.mail;

import java.util.Date;

import io.lethe.notify.MessageIds;
import io.lethe.notify.OutgoingMail;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends one e-mail now through camel-mail, to the SMTP endpoint of {@code LETHE_SMTP_URL} (a Camel mail URI such as
 * {@code smtp://mail.internal:587?username=lethe&password=...}). Every message is plain text in UTF-8 from
 * {@code LETHE_MAIL_FROM}, carries {@code Auto-Submitted: auto-generated} (RFC 3834: auto-responders do not answer
 * it) and a Message-ID in the sender's domain, the caller's own when it gives one (vendor e-mails keep theirs to
 * match replies). People and the DPO get their mail through the queue ({@link MailSender}); vendor e-mails are sent
 * from dispatch, whose command outbox retries them.
 */
public final class Mailer {

    private final ProducerTemplate template;
    private final String smtpUrl;
    private final String from;
    private final MessageIds messageIds;

    public Mailer(CamelContext context, String smtpUrl, String from) {
        this.template = context.createProducerTemplate();
        this.smtpUrl = smtpUrl == null ? "" : smtpUrl.strip();
        this.from = from == null || from.isBlank() ? "lethe@localhost" : from.strip();
        this.messageIds = new MessageIds(this.from);
    }

    public boolean enabled() {
        return !smtpUrl.isEmpty();
    }

    /** Makes Message-IDs in the sender's domain (for callers that must know the ID before sending). */
    public MessageIds messageIds() {
        return messageIds;
    }

    /**
     * Sends the mail with its own Message-ID (or a new one) and returns the Message-ID sent. Throws
     * {@link MailFailure} when the server did not take it, or when mail is disabled (permanent).
     */
    public String send(OutgoingMail mail) {
        if (!enabled()) {
            throw new MailFailure("mail is not configured (LETHE_SMTP_URL)", true, null, null);
        }
        String messageId = mail.messageId() != null ? mail.messageId() : messageIds.next();
        MimeMessage message = message(mail, messageId);
        Exchange done = template.send(smtpUrl, exchange -> exchange.getIn().setBody(message));
        if (done.getException() != null) {
            throw classify(done.getException());
        }
        return messageId;
    }

    private MimeMessage message(OutgoingMail mail, String messageId) {
        // Jakarta Mail replaces the Message-ID on saveChanges() with one naming this host (<...@127.0.0.1>): keep ours.
        MimeMessage m = new MimeMessage((Session) null) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        try {
            m.setFrom(new InternetAddress(from));
            m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(mail.to(), true));
            m.setSubject(mail.subject(), "UTF-8");
            m.setText(mail.body(), "UTF-8");
            m.setSentDate(new Date());
            m.setHeader("Message-ID", messageId);
            m.setHeader("Auto-Submitted", "auto-generated");
            if (mail.inReplyTo() != null) {
                m.setHeader("In-Reply-To", mail.inReplyTo());
                m.setHeader("References", mail.inReplyTo());
            }
            return m;
        } catch (AddressException e) {
            throw new MailFailure("the recipient address is not usable", true, null, null);
        } catch (MessagingException e) {
            throw new MailFailure("the message could not be built: " + e.getClass().getSimpleName(), true, null, null);
        }
    }

    /** Transient: no connection, 4xx. Permanent: 5xx, unusable address. Never the server's text (it quotes addresses). */
    static MailFailure classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() != t ? t.getCause() : null) {
            Integer code = t instanceof SMTPAddressFailedException a ? Integer.valueOf(a.getReturnCode())
                    : t instanceof SMTPSendFailedException s ? Integer.valueOf(s.getReturnCode()) : null;
            if (code == null && t instanceof MessagingException m && m.getNextException() instanceof SMTPAddressFailedException a) {
                code = a.getReturnCode();
            }
            if (code != null && code > 0) {
                boolean permanent = code >= 500;
                return new MailFailure("SMTP " + code + (permanent ? " (refused)" : " (try again later)"), permanent,
                        code, null);
            }
            if (t instanceof AddressException) {
                return new MailFailure("the recipient address is not usable", true, null, null);
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.SocketTimeoutException) {
                return new MailFailure("SMTP server unreachable (" + t.getClass().getSimpleName() + ")", false, null, null);
            }
        }
        return new MailFailure("SMTP failure (" + failure.getClass().getSimpleName() + ")", false, null, null);
    }
}
