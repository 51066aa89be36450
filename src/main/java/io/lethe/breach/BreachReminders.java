package io.lethe.breach;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;
import io.lethe.notify.Templates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DPO's reminders of the 72-hour clock (route {@code breach-reminders}): at 24 h and at 60 h after awareness,
 * unless the authority was notified by then. Each goes once: the breach row is locked, the reminder's column set and
 * the mail queued (through the durable mail queue) and logged in one transaction, so two nodes, a retry or a restart
 * never send it twice. A breach recorded after 60 h gets the 60-hour reminder only (the earlier one is overtaken).
 */
public final class BreachReminders {

    private static final Logger LOG = LoggerFactory.getLogger(BreachReminders.class);

    private final BreachRegister register;
    private final MailOutbox mail;
    private final Templates templates;
    private final String dpoEmail;

    public BreachReminders(BreachRegister register, MailOutbox mail, Templates templates, String dpoEmail) {
        this.register = register;
        this.mail = mail;
        this.templates = templates;
        this.dpoEmail = dpoEmail;
    }

    /** One pass: every reminder due now. Returns how many were sent. */
    public int run() {
        List<String> open = register.transaction("finding breaches to remind of", c -> register.ids(c,
                "authority_notified_at is null and reminded_60h_at is null"));
        int sent = 0;
        for (String id : open) {
            sent += register.transaction("reminding the DPO of a breach", c -> {
                Breach b = register.lock(c, id);
                Instant now = register.now();
                int due = BreachClock.reminderDue(b, now);
                if (due == 0) {
                    return 0;
                }
                if (due == 60) {
                    BreachRegister.update(c, "update breach set reminded_60h_at = ?,"
                            + " reminded_24h_at = coalesce(reminded_24h_at, ?) where id = ?",
                            BreachRegister.utc(now), BreachRegister.utc(now), id);
                } else {
                    BreachRegister.update(c, "update breach set reminded_24h_at = ? where id = ?",
                            BreachRegister.utc(now), id);
                }
                mail.enqueue(c, "dpo-breach-reminder", MailOutbox.Recipient.DPO, id, reminder(b, due, now));
                register.log(c, null, id, "dpo_reminder", due + "h", "deadline " + b.awareAt().plus(BreachClock.WINDOW));
                LOG.info("Breach {}: DPO reminded at {} h", id, due);
                return 1;
            });
        }
        return sent;
    }

    private OutgoingMail reminder(Breach b, int hours, Instant now) {
        BreachClock clock = b.clock(now);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("breachId", b.id());
        values.put("hours", String.valueOf(hours));
        values.put("awareAt", b.awareAt().truncatedTo(ChronoUnit.MINUTES).toString());
        values.put("deadline", clock.deadline().truncatedTo(ChronoUnit.MINUTES).toString());
        values.put("hoursLeft", String.valueOf(clock.hoursLeft()));
        Templates.Message m = templates.render("dpo-breach-reminder", values);
        return new OutgoingMail(dpoEmail, m.subject(), m.body());
    }
}
