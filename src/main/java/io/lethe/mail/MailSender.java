package io.lethe.mail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.lethe.notify.Templates;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.MailOutbox.Queued;
import io.lethe.notify.MailOutbox.Recipient;
import io.lethe.notify.OutgoingMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step of the {@code mail-outbox} route (routes/mail-out.camel.yaml): claims due mails from the queue and sends
 * each. A transient failure (server unreachable, 4xx) puts the mail back with exponential backoff and jitter, for as
 * long as it takes; after {@code alertAfter} attempts it is late, and a refusal (5xx) fails it for good: either way
 * the DPO is told once by mail (unless the mail was the DPO's own), with an ERROR log line that names the mail's id,
 * kind and request only, and the API ({@code GET /api/v1/mail/outbox}) shows it.
 */
public final class MailSender {

    private static final Logger LOG = LoggerFactory.getLogger(MailSender.class);

    /** How the sender paces itself. */
    public record Policy(int batch, Duration lease, Duration firstBackoff, Duration maxBackoff, int alertAfter) {
        Duration backoff(int attempts, double jitter) {
            double base = firstBackoff.toMillis() * Math.pow(2, Math.max(0, attempts - 1));
            long capped = (long) Math.min(base, maxBackoff.toMillis());
            return Duration.ofMillis((long) (capped * (0.8 + 0.4 * jitter)));
        }
    }

    private final MailOutbox outbox;
    private final Mailer mailer;
    private final Templates templates;
    private final String dpoEmail;
    private final Policy policy;
    private final Clock clock;

    public MailSender(MailOutbox outbox, Mailer mailer, Templates templates, String dpoEmail, Policy policy, Clock clock) {
        this.outbox = outbox;
        this.mailer = mailer;
        this.templates = templates;
        this.dpoEmail = dpoEmail == null ? "" : dpoEmail.strip();
        this.policy = policy;
        this.clock = clock;
    }

    /** Route step: sends what is due; returns how many went out. */
    public int run() {
        if (!mailer.enabled()) {
            return 0;
        }
        List<Queued> due = outbox.claim(policy.batch(), policy.lease());
        int sent = 0;
        MailFailure unreachable = null;
        for (Queued mail : due) {
            if (unreachable != null) { // the server is down: the rest of the batch waits too, without trying
                later(mail, unreachable);
                continue;
            }
            try {
                mailer.send(mail.mail());
                outbox.sent(mail.id());
                sent++;
            } catch (MailFailure f) {
                if (f.permanent()) {
                    refused(mail, f);
                } else {
                    later(mail, f);
                    unreachable = f.replyCode() == null ? f : null;
                }
            }
        }
        return sent;
    }

    private void later(Queued mail, MailFailure f) {
        Instant next = clock.instant().plus(policy.backoff(mail.attempts(), ThreadLocalRandom.current().nextDouble()));
        boolean late = !mail.alerted() && mail.attempts() >= policy.alertAfter();
        if (late) {
            LOG.error("Mail {} ({} to the {}{}) is still not sent after {} attempts: {}; retrying, next not before {}",
                    mail.id(), mail.kind(), mail.recipient().wire(), ofRequest(mail), mail.attempts(), f.getMessage(), next);
        } else {
            LOG.warn("Mail {} ({}{}) not sent, attempt {}: {}; next not before {}", mail.id(), mail.kind(),
                    ofRequest(mail), mail.attempts(), f.getMessage(), next);
        }
        outbox.retry(mail.id(), next, f.getMessage(), late, late ? alert(mail, "is still not sent after "
                + mail.attempts() + " attempts (" + f.getMessage() + "); Lethe keeps trying", "") : null);
    }

    private void refused(Queued mail, MailFailure f) {
        LOG.error("Mail {} ({} to the {}{}) was refused for good: {}", mail.id(), mail.kind(), mail.recipient().wire(),
                ofRequest(mail), f.getMessage());
        String consequence = mail.kind().equals("verification") && mail.requestId() != null
                ? "The person never got the link to confirm their identity, so request " + mail.requestId()
                        + " is now action_required. Reach the person another way; once their identity is checked,"
                        + " cancel the request and file it again with an admin key.\n"
                : "";
        outbox.refused(mail, f.getMessage(), alert(mail, "was refused by the mail server (" + f.getMessage() + ")",
                consequence));
    }

    /** The DPO's alert about a mail, or null when the mail was the DPO's own or no DPO is configured. */
    private OutgoingMail alert(Queued mail, String what, String consequence) {
        if (mail.recipient() == Recipient.DPO || dpoEmail.isEmpty()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("mailId", String.valueOf(mail.id()));
        values.put("kind", mail.kind());
        values.put("recipient", mail.recipient().wire());
        values.put("request", mail.requestId() == null ? "" : " of request " + mail.requestId());
        values.put("what", what);
        values.put("consequence", consequence);
        Templates.Message m = templates.render("dpo-mail-failed", values);
        return new OutgoingMail(dpoEmail, m.subject(), m.body());
    }

    private static String ofRequest(Queued mail) {
        return mail.requestId() == null ? "" : " of request " + mail.requestId();
    }
}
