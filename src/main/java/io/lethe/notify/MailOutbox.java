package io.lethe.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.db.Transactions;
import io.lethe.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable mail queue (table {@code mail_outbox}). A mail is written in the transaction of the change that causes
 * it (a request filed, extended, finished; a DPO alert), so it is sent exactly when that change is committed, even
 * across a crash or an SMTP outage. Recipient, subject and body are sealed with a key derived from the master key
 * (not the subject's: the completion mail of an erasure outlives the crypto-shred), bound to the Message-ID, and
 * wiped once the mail is sent or refused for good. The sender route ({@code routes/mail-out.camel.yaml}) claims due
 * mails with a lease, like dispatch claims commands.
 */
public final class MailOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(MailOutbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who a mail is for; kept so the API can say whose mail is stuck without naming anyone. */
    public enum Recipient {
        PERSON, DPO, VENDOR;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Recipient of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** pending → sending → sent, or back to pending (retry), or failed (refused for good). */
    public enum Status {
        PENDING, SENDING, SENT, FAILED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A claimed mail, opened for sending. {@code attempts} counts this one. */
    public record Queued(long id, String kind, Recipient recipient, String requestId, int attempts, boolean alerted,
            OutgoingMail mail) {
    }

    /** A mail as the API shows it: no address, no text. */
    public record Entry(long id, String kind, String recipient, String requestId, String messageId, String status,
            int attempts, String lastError, Instant createdAt, Instant nextAttemptAt, Instant sentAt, Instant alertedAt) {
    }

    /** Told, inside the transaction that marks it, of a mail the server refused for good. */
    public interface Listener {
        void onRefused(Connection connection, Queued mail) throws SQLException;
    }

    /**
     * Seals a queued mail's recipient, subject and text at rest, bound to its Message-ID (the register's key ring
     * provides it; the queue sits below the register and knows no keys).
     */
    public interface Seal {
        byte[] seal(String plaintext, String boundTo);

        String open(byte[] sealed, String boundTo);
    }

    private final DataSource dataSource;
    private final Seal key;
    private final MessageIds messageIds;
    private final Clock clock;
    private final boolean enabled;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public MailOutbox(DataSource dataSource, Seal key, MessageIds messageIds, Clock clock, boolean enabled) {
        this.dataSource = dataSource;
        this.key = key;
        this.messageIds = messageIds;
        this.clock = clock;
        this.enabled = enabled;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Whether outgoing mail is configured at all (LETHE_SMTP_URL). */
    public boolean enabled() {
        return enabled;
    }

    /** Queues a mail in the caller's transaction. Without SMTP, or without a recipient, it is logged and dropped. */
    public void enqueue(Connection c, String kind, Recipient recipient, String requestId, OutgoingMail mail)
            throws SQLException {
        if (!enabled || mail.to() == null || mail.to().isBlank()) {
            LOG.warn("Mail disabled (LETHE_SMTP_URL) or no {} address configured: the {} e-mail{} is not sent",
                    recipient.wire(), kind, requestId == null ? "" : " of request " + requestId);
            return;
        }
        String messageId = mail.messageId() != null ? mail.messageId() : messageIds.next();
        OffsetDateTime now = now();
        try (PreparedStatement ps = c.prepareStatement("insert into mail_outbox (kind, recipient, request_id, message_id,"
                + " sealed, status, attempts, not_before, created_at, updated_at) values (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)")) {
            ps.setString(1, kind);
            ps.setString(2, recipient.wire());
            ps.setString(3, requestId);
            ps.setString(4, messageId);
            ps.setBytes(5, key.seal(JSON.createObjectNode().put("to", mail.to()).put("subject", mail.subject())
                    .put("body", mail.body()).put("inReplyTo", mail.inReplyTo()).toString(), messageId));
            ps.setObject(6, now);
            ps.setObject(7, now);
            ps.setObject(8, now);
            ps.executeUpdate();
        }
    }

    /** Queues a mail in a transaction of its own (a change that has just been committed, such as a DPO alert). */
    public void enqueue(String kind, Recipient recipient, String requestId, OutgoingMail mail) {
        inTransaction(c -> {
            enqueue(c, kind, recipient, requestId, mail);
            return null;
        });
    }

    /** Claims up to {@code max} due mails (pending and due, or sending with an expired lease). */
    public List<Queued> claim(int max, Duration lease) {
        OffsetDateTime now = now();
        return inTransaction(c -> {
            List<Long> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id from mail_outbox where (status = 'pending'"
                    + " and not_before <= ?) or (status = 'sending' and lease_until < ?) order by id limit ?")) {
                ps.setObject(1, now);
                ps.setObject(2, now);
                ps.setInt(3, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(rs.getLong(1));
                    }
                }
            }
            List<Queued> claimed = new ArrayList<>();
            for (long id : due) {
                try (PreparedStatement ps = c.prepareStatement("update mail_outbox set status = 'sending', lease_until = ?,"
                        + " attempts = attempts + 1, updated_at = ? where id = ? and ((status = 'pending' and not_before <= ?)"
                        + " or (status = 'sending' and lease_until < ?))")) {
                    ps.setObject(1, now.plus(lease));
                    ps.setObject(2, now);
                    ps.setLong(3, id);
                    ps.setObject(4, now);
                    ps.setObject(5, now);
                    if (ps.executeUpdate() == 1) { // another node did not take it first
                        try {
                            claimed.add(read(c, id));
                        } catch (IllegalStateException unreadable) { // wrong master key or tampered: never sendable
                            LOG.error("Queued mail {} cannot be opened ({}); marked failed", id,
                                    unreadable.getClass().getSimpleName());
                            execute(c, "update mail_outbox set status = 'failed', sealed = null, lease_until = null,"
                                    + " last_error = 'content unreadable (wrong key?)', updated_at = ? where id = ?", now, id);
                        }
                    }
                }
            }
            return claimed;
        });
    }

    private Queued read(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select kind, recipient, request_id, message_id, sealed, attempts,"
                + " alerted_at from mail_outbox where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String messageId = rs.getString(4);
                JsonNode m;
                try {
                    m = JSON.readTree(key.open(rs.getBytes(5), messageId));
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("queued mail " + id + " is not readable", e);
                }
                return new Queued(id, rs.getString(1), Recipient.of(rs.getString(2)), rs.getString(3), rs.getInt(6),
                        rs.getObject(7) != null, new OutgoingMail(m.path("to").asText(), m.path("subject").asText(),
                                m.path("body").asText(), messageId, m.path("inReplyTo").textValue()));
            }
        }
    }

    /** Sent: the content is wiped, the record (kind, Message-ID, when) stays. */
    public void sent(long id) {
        OffsetDateTime now = now();
        update("update mail_outbox set status = 'sent', sealed = null, lease_until = null, last_error = null,"
                + " sent_at = ?, updated_at = ? where id = ?", now, now, id);
    }

    /**
     * A failure worth retrying: due again at {@code notBefore}. With {@code alert}, the DPO is told now (in the same
     * transaction: the alert is itself a queued mail; null when the late mail was the DPO's own) and not again.
     */
    public void retry(long id, Instant notBefore, String error, boolean alerting, OutgoingMail alert) {
        OffsetDateTime now = now();
        inTransaction(c -> {
            execute(c, "update mail_outbox set status = 'pending', lease_until = null, not_before = ?, last_error = ?,"
                    + " updated_at = ?" + (alerting ? ", alerted_at = ?" : "") + " where id = ?",
                    alerting ? new Object[] {notBefore.atOffset(ZoneOffset.UTC), cut(error), now, now, id}
                            : new Object[] {notBefore.atOffset(ZoneOffset.UTC), cut(error), now, id});
            if (alert != null) {
                enqueue(c, "dpo-mail-failed", Recipient.DPO, null, alert);
            }
            return null;
        });
    }

    /** Refused for good: failed, content wiped, listeners told, and the DPO alert (if any) queued, atomically. */
    public void refused(Queued mail, String error, OutgoingMail alert) {
        OffsetDateTime now = now();
        inTransaction(c -> {
            execute(c, "update mail_outbox set status = 'failed', sealed = null, lease_until = null, last_error = ?,"
                    + " alerted_at = ?, updated_at = ? where id = ?", cut(error), now, now, mail.id());
            for (Listener listener : listeners) {
                listener.onRefused(c, mail);
            }
            if (alert != null) {
                enqueue(c, "dpo-mail-failed", Recipient.DPO, mail.requestId(), alert);
            }
            return null;
        });
    }

    /** Mails per status, plus how many unsent ones have failed at least {@code lateAfter} attempts. */
    public Map<String, Object> summary(int lateAfter) {
        return inTransaction(c -> {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Status s : Status.values()) {
                out.put(s.wire(), 0L);
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select status, count(*) from mail_outbox group by status")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select count(*), min(created_at) from mail_outbox"
                    + " where status in ('pending', 'sending') and attempts >= ?")) {
                ps.setInt(1, lateAfter);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.put("late", rs.getLong(1));
                }
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "select min(created_at) from mail_outbox where status in ('pending', 'sending')")) {
                rs.next();
                OffsetDateTime oldest = rs.getObject(1, OffsetDateTime.class);
                out.put("oldestUnsentAt", oldest == null ? null : oldest.toInstant().toString());
            }
            return out;
        });
    }

    /** Mails, newest first: those not sent (pending, sending, failed), or with {@code all} the sent ones too. */
    public List<Entry> list(String requestId, boolean all, int limit) {
        return inTransaction(c -> {
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, kind, recipient, request_id, message_id, status,"
                    + " attempts, last_error, created_at, not_before, sent_at, alerted_at from mail_outbox where 1 = 1"
                    + (all ? "" : " and status <> 'sent'") + (requestId == null ? "" : " and request_id = ?")
                    + " order by id desc limit ?")) {
                int i = 1;
                if (requestId != null) {
                    ps.setString(i++, requestId);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String status = rs.getString(6);
                        boolean unsent = status.equals("pending") || status.equals("sending");
                        out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), status, rs.getInt(7), rs.getString(8), instant(rs, 9),
                                unsent ? instant(rs, 10) : null, instant(rs, 11), instant(rs, 12)));
                    }
                }
            }
            return out;
        });
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static String cut(String s) {
        return s == null ? null : s.substring(0, Math.min(256, s.length()));
    }

    private void update(String sql, Object... args) {
        inTransaction(c -> {
            execute(c, sql, args);
            return null;
        });
    }

    private static void execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        return Sql.transaction(dataSource, "mail queue operation", work);
    }
}
