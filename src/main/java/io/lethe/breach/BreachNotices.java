package io.lethe.breach;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.lethe.audit.SyncEntry;
import io.lethe.notify.MailOutbox;
import io.lethe.notify.OutgoingMail;
import io.lethe.notify.Templates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Art. 34 notices (route {@code breach-notices}): once notices are chosen for a breach, each pass takes the next
 * {@code batch} affected subjects not yet handled, queues one mail each (template {@code breach-notice}, through the
 * durable, sealed, retried mail queue) to the subject's e-mail address, or records that none is known, and logs each
 * in the breach chain: all in one transaction holding the breach row's lock. The {@code breach_notice} primary key
 * (breach, subject) means a subject is never mailed twice for one breach, across nodes, retries and restarts. The
 * breach is finished when a pass finds nobody left.
 */
public final class BreachNotices {

    private static final Logger LOG = LoggerFactory.getLogger(BreachNotices.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", java.util.Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final BreachRegister register;
    private final Function<Collection<String>, Map<String, List<String>>> emails;
    private final MailOutbox mail;
    private final Templates templates;
    private final int batch;

    public BreachNotices(BreachRegister register, Function<Collection<String>, Map<String, List<String>>> emails,
            MailOutbox mail, Templates templates, int batch) {
        this.register = register;
        this.emails = emails;
        this.mail = mail;
        this.templates = templates;
        this.batch = batch;
    }

    /** The affected subjects (ids only, sorted). */
    public List<String> affected(Breach b) {
        return register.transaction("computing a breach's affected subjects", c -> AffectedSubjects.of(c, b));
    }

    /** How far the notices are: subjects handled, the mails' states in the queue. */
    public record Progress(int affected, long queued, long withoutEmail, long remaining, Map<String, Long> mail,
            boolean finished) {
    }

    public Progress progress(Breach b) {
        return register.transaction("reading breach notice progress", c -> {
            int affected = AffectedSubjects.of(c, b).size();
            long queued = 0;
            long withoutEmail = 0;
            try (PreparedStatement ps = c.prepareStatement("select outcome, count(*) from breach_notice"
                    + " where breach_id = ? group by outcome")) {
                ps.setString(1, b.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getString(1).equals("queued")) {
                            queued = rs.getLong(2);
                        } else {
                            withoutEmail = rs.getLong(2);
                        }
                    }
                }
            }
            Map<String, Long> states = new LinkedHashMap<>();
            for (MailOutbox.Status s : MailOutbox.Status.values()) {
                states.put(s.wire(), 0L);
            }
            try (PreparedStatement ps = c.prepareStatement("select status, count(*) from mail_outbox"
                    + " where request_id = ? and kind = 'breach-notice' group by status")) {
                ps.setString(1, b.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        states.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            long remaining = b.noticesFinishedAt() != null ? 0 : Math.max(0, affected - queued - withoutEmail);
            return new Progress(affected, queued, withoutEmail, remaining, states, b.noticesFinishedAt() != null);
        });
    }

    /**
     * One pass: one batch per breach whose notices are under way. Returns how many subjects were handled. The batch's
     * addresses are opened before the breach row is locked (the register reads them on a connection of its own), and
     * the locked transaction handles only those of the batch still not handled then.
     */
    public int run() {
        List<String> running = register.transaction("finding breach notices to send", c -> register.ids(c,
                "notices_requested_at is not null and notices_finished_at is null"));
        int handled = 0;
        for (String id : running) {
            List<String> candidates = register.transaction("choosing the next breach notices", c -> next(c, id));
            Map<String, List<String>> addresses = candidates.isEmpty() ? Map.of() : emails.apply(candidates);
            handled += register.transaction("queueing breach notices", c -> {
                Breach b = register.lock(c, id);
                if (b.noticesFinishedAt() != null) {
                    return 0; // another node finished it while this one waited for the lock
                }
                Set<String> done = handled(c, id);
                Instant now = register.now();
                if (candidates.isEmpty()) {
                    if (!next(c, id).isEmpty()) {
                        return 0; // someone became affected meanwhile: the next pass takes them
                    }
                    BreachRegister.update(c, "update breach set notices_finished_at = ?, updated_at = ? where id = ?",
                            BreachRegister.utc(now), BreachRegister.utc(now), id);
                    register.log(c, null, id, "notices_finished", "finished", done.size() + " subject(s) handled");
                    LOG.info("Breach {}: Art. 34 notices finished, {} subject(s) handled", id, done.size());
                    return 0;
                }
                List<String> todo = candidates.stream().filter(s -> !done.contains(s)).toList();
                Templates.Message text = templates.render("breach-notice", values(b));
                List<SyncEntry> entries = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("insert into breach_notice (breach_id, subject_id,"
                        + " outcome, queued_at) values (?, ?, ?, ?)")) {
                    for (String subject : todo) {
                        List<String> to = addresses.getOrDefault(subject, List.of());
                        String outcome = to.isEmpty() ? "no_email" : "queued";
                        if (!to.isEmpty()) {
                            mail.enqueue(c, "breach-notice", MailOutbox.Recipient.PERSON, id,
                                    new OutgoingMail(to.stream().sorted().findFirst().orElseThrow(), text.subject(),
                                            text.body()));
                        }
                        ps.setString(1, id);
                        ps.setString(2, subject);
                        ps.setString(3, outcome);
                        ps.setObject(4, BreachRegister.utc(now));
                        ps.addBatch();
                        entries.add(SyncEntry.of(BreachRegister.CHAIN, subject, id, "breach_notice", outcome, null, null,
                                "Art. 34 notice"));
                    }
                    ps.executeBatch();
                }
                if (!entries.isEmpty()) {
                    register.log(c, entries);
                }
                return todo.size();
            });
        }
        return handled;
    }

    /** The next batch: affected subjects not handled yet, in id order. */
    private List<String> next(java.sql.Connection c, String id) throws java.sql.SQLException {
        Breach b = register.find(c, id);
        Set<String> done = handled(c, id);
        return AffectedSubjects.of(c, b).stream().filter(s -> !done.contains(s)).limit(batch).toList();
    }

    private static Set<String> handled(java.sql.Connection c, String id) throws java.sql.SQLException {
        Set<String> done = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("select subject_id from breach_notice where breach_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getString(1));
                }
            }
        }
        return done;
    }

    /** The notice's placeholders: Art. 34(2) asks for the nature and Art. 33(3)(b), (c) and (d). */
    static Map<String, String> values(Breach b) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("breachId", b.id());
        v.put("awareOn", DAY.format(b.awareAt()));
        v.put("nature", b.details().nature());
        v.put("consequences", b.details().consequences());
        v.put("measures", b.details().measures());
        v.put("contact", b.details().contact());
        return v;
    }
}
