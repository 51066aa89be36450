package io.lethe.mail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Target;
import io.lethe.connectors.TargetOutcome;
import io.lethe.connectors.VendorException;
import io.lethe.connectors.engine.MailTransport;
import io.lethe.notify.OutgoingMail;

/**
 * A vendor without a privacy API: each command becomes an e-mail to the vendor's privacy contact
 * ({@code privacyEmail}) from the templates {@code config/mail/vendor-<action>.txt}. Each message gets its own secret
 * token, shown in the reference {@code [Lethe ref <token>/<connector>]} (never the request id, which the person also
 * sees), and its own Message-ID; the mailbox watcher accepts a reply only when it answers one of them (see
 * {@link VendorMails}). The outcome is {@code submitted}; the request waits for the reply. Sent at once with
 * {@link Mailer#send(OutgoingMail)} ({@code Auto-Submitted}); a server that is down or answers 4xx makes the call
 * transient, so the command outbox retries it like any vendor call, and a refusal (5xx) needs a person.
 */
public final class VendorLetters implements MailTransport {

    private final Mailer mailer;
    private final Templates templates;
    private final VendorMails sent;

    public VendorLetters(Mailer mailer, Templates templates, VendorMails sent) {
        this.mailer = mailer;
        this.templates = templates;
        this.sent = sent;
    }

    /** The mail transport: one e-mail per command, from the operation's template ({@code mail: vendor-erase}). */
    @Override
    public List<TargetOutcome> send(Connector connector, String action, String template, List<Target> targets) {
        return send(connector, targets, action, template);
    }

    /**
     * A reminder to a vendor that has not answered (queued by the caller): a token and Message-ID of its own, so a reply
     * to the reminder is matched like a reply to the first mail.
     */
    public OutgoingMail reminder(Connector connector, Map<String, String> values) {
        String ref = values.getOrDefault("ref", "");
        String requestId = ref.contains("/") ? ref.substring(0, ref.lastIndexOf('/')) : ref;
        Optional<VendorMails.Sent> first = sent.latest(requestId, connector.id());
        VendorMails.Issued issued = sent.issue(connector.id(), first.map(VendorMails.Sent::commandId).orElse(null),
                requestId, "reminder");
        Map<String, String> withToken = new LinkedHashMap<>(values);
        withToken.put("ref", issued.token() + "/" + connector.id());
        Templates.Message m = templates.render("vendor-reminder", withToken);
        return new OutgoingMail(connector.mailTo(), m.subject(), m.body(), issued.messageId(),
                first.map(VendorMails.Sent::messageId).orElse(null));
    }

    private List<TargetOutcome> send(Connector connector, List<Target> targets, String action, String template) {
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            Map<String, String> values = new LinkedHashMap<>();
            VendorMails.Issued issued = sent.issue(connector.id(), t.commandId(), t.requestId(), action);
            values.put("ref", issued.token() + "/" + connector.id());
            values.put("email", String.join(", ", t.emails()));
            values.put("purpose", t.purpose() == null ? "" : t.purpose());
            StringBuilder changes = new StringBuilder();
            t.changes().forEach((k, v) -> changes.append("    ").append(k).append(": ").append(v).append('\n'));
            values.put("changes", changes.toString());
            Templates.Message m = templates.render(template, values);
            try {
                mailer.send(new OutgoingMail(connector.mailTo(), m.subject(), m.body(), issued.messageId()));
                outcomes.add(TargetOutcome.of(t.commandId(), "submitted", 0, "e-mailed the vendor's privacy contact"));
            } catch (MailFailure f) {
                if (!f.permanent()) {
                    throw new VendorException.Transient(f.getMessage(), null, null, null);
                }
                outcomes.add(TargetOutcome.rejected(t.commandId(), 0, f.getMessage()));
            }
        }
        return outcomes;
    }
}
