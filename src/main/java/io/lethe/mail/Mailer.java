package io.lethe.mail;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the hub's e-mails through camel-mail, to the SMTP endpoint of {@code LETHE_SMTP_URL} (a Camel mail URI such as
 * {@code smtp://mail.internal:587?username=lethe&password=...}). Without it mail is disabled and each message that
 * would have gone is logged as skipped (without its content).
 */
public final class Mailer {

    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);

    private final ProducerTemplate template;
    private final String smtpUrl;
    private final String from;

    public Mailer(CamelContext context, String smtpUrl, String from) {
        this.template = context.createProducerTemplate();
        this.smtpUrl = smtpUrl == null ? "" : smtpUrl.strip();
        this.from = from == null || from.isBlank() ? "lethe@localhost" : from.strip();
    }

    public boolean enabled() {
        return !smtpUrl.isEmpty();
    }

    /** Sends a plain-text message; returns false when mail is disabled. */
    public boolean send(String to, String subject, String text) {
        return send(to, subject, text, Map.of());
    }

    /** The same with extra mail headers (e.g. the {@code Message-ID} a vendor's reply is matched on). */
    public boolean send(String to, String subject, String text, Map<String, String> headers) {
        if (!enabled() || to == null || to.isBlank()) {
            LOG.warn("Mail disabled or no recipient configured: not sending '{}'", subject);
            return false;
        }
        Map<String, Object> all = new java.util.HashMap<>(headers);
        all.putAll(Map.of("To", to, "From", from, "Subject", subject, "Content-Type", "text/plain; charset=UTF-8"));
        template.sendBodyAndHeaders(smtpUrl, text, all);
        return true;
    }
}
