package io.lethe.mail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.lethe.db.Transactions;

/**
 * The e-mails sent to vendors without an API. Each gets a fresh secret token (shown to the vendor in the reference
 * {@code [Lethe ref <token>/<connector>]}, never to the person; only its hash is stored) and a Message-ID of the hub's
 * own ({@code <random@domain of LETHE_MAIL_FROM>}). A reply counts as the vendor's only if it carries one of them.
 */
public final class VendorMails {

    private static final HexFormat HEX = HexFormat.of();

    private final DataSource dataSource;
    private final String domain;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public VendorMails(DataSource dataSource, String mailFrom, Clock clock) {
        this.dataSource = dataSource;
        String from = mailFrom == null ? "" : mailFrom.strip();
        int at = from.lastIndexOf('@');
        this.domain = at < 0 ? "localhost" : from.substring(at + 1).replaceAll("[>\\s]", "");
        this.clock = clock;
    }

    /** A message about to be sent: its token (for the reference) and its Message-ID. */
    public record Issued(String token, String messageId) {
    }

    /** One sent message, as stored. */
    public record Sent(String messageId, Long commandId, String requestId, String connector, String action) {
    }

    /** Records a message before it is sent (a send that then fails leaves a harmless row). */
    public Issued issue(String connector, Long commandId, String requestId, String action) {
        Issued issued = new Issued(randomHex(16), "<" + randomHex(16) + "@" + domain + ">");
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into vendor_mail (message_id, token_hash,"
                    + " command_id, request_id, connector, action, sent_at) values (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, issued.messageId());
                ps.setString(2, sha256(issued.token()));
                ps.setObject(3, commandId);
                ps.setString(4, requestId);
                ps.setString(5, connector);
                ps.setString(6, action);
                ps.setObject(7, clock.instant().atOffset(ZoneOffset.UTC));
                ps.executeUpdate();
            }
            return null;
        });
        return issued;
    }

    /** The first of these Message-IDs (In-Reply-To, then References newest first) that the hub sent. */
    public Optional<Sent> byMessageIds(List<String> messageIds) {
        for (String id : messageIds) {
            Optional<Sent> found = find("message_id = ?", id);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    public Optional<Sent> byToken(String token) {
        return find("token_hash = ?", sha256(token));
    }

    /** The latest message about a request's part at a vendor (a reminder answers in its thread). */
    public Optional<Sent> latest(String requestId, String connector) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select message_id, command_id, request_id, connector, action"
                    + " from vendor_mail where request_id = ? and connector = ? order by sent_at desc, message_id")) {
                ps.setString(1, requestId);
                ps.setString(2, connector);
                return first(ps);
            }
        });
    }

    /** The Message-ID domain: replies to the hub's own mails point at it. */
    public String domain() {
        return domain;
    }

    private Optional<Sent> find(String where, String value) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("select message_id, command_id, request_id, connector, action"
                    + " from vendor_mail where " + where)) {
                ps.setString(1, value);
                return first(ps);
            }
        });
    }

    private static Optional<Sent> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            long command = rs.getLong(2);
            return Optional.of(new Sent(rs.getString(1), rs.wasNull() ? null : command, rs.getString(3),
                    rs.getString(4), rs.getString(5)));
        }
    }

    private String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HEX.formatHex(b);
    }

    static String sha256(String s) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T run(Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new IllegalStateException("vendor mail store failed", e);
        }
    }
}
