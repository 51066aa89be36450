package io.lethe.connectors.vendors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.connectors.Connector;
import io.lethe.connectors.VendorAdapter;
import io.lethe.connectors.VendorException;
import io.lethe.mail.MailFailure;
import io.lethe.mail.Mailer;
import io.lethe.mail.Templates;
import io.lethe.notify.OutgoingMail;

/**
 * A vendor without a privacy API: each command becomes an e-mail to the vendor's privacy contact
 * ({@code privacyEmail}) from the templates {@code config/mail/vendor-<action>.txt}, with a reference in the subject
 * line ({@code [Lethe ref <requestId>/<connector>]}) that the mailbox watcher matches the reply to. The outcome is
 * {@code submitted}; the request waits for the reply. Sent at once with {@link Mailer#send(OutgoingMail)} (Message-ID in
 * the sender's domain, {@code Auto-Submitted}); a server that is down or answers 4xx makes the call transient, so the
 * command outbox retries it like any vendor call, and a refusal (5xx) needs a person.
 */
public final class EmailVendorAdapter implements VendorAdapter {

    private final Mailer mailer;
    private final Templates templates;

    public EmailVendorAdapter(Mailer mailer, Templates templates) {
        this.mailer = mailer;
        this.templates = templates;
    }

    @Override
    public List<TargetOutcome> optOut(Connector connector, List<Target> targets) {
        return send(connector, targets, "opt_out");
    }

    @Override
    public List<TargetOutcome> erase(Connector connector, List<Target> targets) {
        return send(connector, targets, "erase");
    }

    @Override
    public List<TargetOutcome> export(Connector connector, List<Target> targets) {
        return send(connector, targets, "export");
    }

    @Override
    public List<TargetOutcome> rectify(Connector connector, List<Target> targets) {
        return send(connector, targets, "rectify");
    }

    /** A reminder to a vendor that has not answered (queued by the caller). */
    public OutgoingMail reminder(Connector connector, Map<String, String> values) {
        Templates.Message m = templates.render("vendor-reminder", values);
        return new OutgoingMail(connector.setting("privacyEmail"), m.subject(), m.body());
    }

    private List<TargetOutcome> send(Connector connector, List<Target> targets, String action) {
        List<TargetOutcome> outcomes = new ArrayList<>();
        for (Target t : targets) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("ref", (t.requestId() != null ? t.requestId() : "cmd-" + t.commandId()) + "/" + connector.id());
            values.put("email", String.join(", ", t.emails()));
            values.put("purpose", t.purpose() == null ? "" : t.purpose());
            StringBuilder changes = new StringBuilder();
            t.changes().forEach((k, v) -> changes.append("    ").append(k).append(": ").append(v).append('\n'));
            values.put("changes", changes.toString());
            Templates.Message m = templates.render("vendor-" + action, values);
            try {
                mailer.send(new OutgoingMail(connector.setting("privacyEmail"), m.subject(), m.body()));
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
