package io.lethe.webhooks;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import io.lethe.notify.MailOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook subscriptions: created with a hub-generated Standard Webhooks secret ({@code whsec_} + 32 random bytes,
 * base64), returned once and stored sealed (bound to the subscription id). Deleting keeps the row for the delivery
 * history and cancels what is still queued.
 */
public final class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;
    private final MailOutbox.Seal seal;
    private final Clock clock;

    public Subscriptions(DataSource dataSource, MailOutbox.Seal seal, Clock clock) {
        this.dataSource = dataSource;
        this.seal = seal;
        this.clock = clock;
    }

    /** A new subscription and its secret, the one time it is ever shown. */
    public record Created(Subscription subscription, String secret) {
    }

    /** Creates a subscription; events sequenced from now on are delivered to it. */
    public Created create(String url, List<String> types, boolean includeIdentities, String createdBy) {
        String id = UUID.randomUUID().toString();
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        Instant now = clock.instant();
        long fromSeq = Sql.transaction(dataSource, "creating a webhook subscription", c -> {
            long last;
            // The sequencer's lock: it either numbered a batch before (those events are not this subscription's) or
            // numbers the next one after this commits, and then sees the subscription. No event falls between.
            try (PreparedStatement ps = c.prepareStatement(
                    "select last_seq from event_sequence where name = 'events' for update");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                last = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("insert into webhook_subscription (id, url, types,"
                    + " include_identities, sealed_secret, created_at, created_by, from_seq) values (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, url);
                ps.setString(3, String.join(",", types));
                ps.setBoolean(4, includeIdentities);
                ps.setBytes(5, seal.seal(secret, id));
                ps.setObject(6, now.atOffset(ZoneOffset.UTC));
                ps.setString(7, createdBy);
                ps.setLong(8, last);
                ps.executeUpdate();
            }
            return last;
        });
        // Who asked for identities to leave the hub is on record (the key name; never the URL's path or a secret).
        LOG.info("Webhook subscription {} created by {} for {} (identities included: {})", id, createdBy, types,
                includeIdentities);
        return new Created(new Subscription(id, url, List.copyOf(types), includeIdentities, now, createdBy, fromSeq,
                null, null), secret);
    }

    public List<Subscription> list(boolean withDeleted) {
        return Sql.transaction(dataSource, "listing webhook subscriptions", c -> {
            List<Subscription> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT + (withDeleted ? "" : " where deleted_at is null")
                    + " order by created_at, id"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        });
    }

    public Optional<Subscription> get(String id) {
        return Sql.transaction(dataSource, "reading a webhook subscription", c -> get(c, id));
    }

    static Optional<Subscription> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** Active subscriptions, inside the caller's transaction (the fan-out of freshly sequenced events). */
    static List<Subscription> active(Connection c) throws SQLException {
        List<Subscription> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT + " where deleted_at is null");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    /** Deletes (marks deleted) and cancels its queued deliveries; false when there is no such active subscription. */
    public boolean delete(String id) {
        Instant now = clock.instant();
        return Sql.transaction(dataSource, "deleting a webhook subscription", c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement(
                    "update webhook_subscription set deleted_at = ? where id = ? and deleted_at is null")) {
                ps.setObject(1, now.atOffset(ZoneOffset.UTC));
                ps.setString(2, id);
                n = ps.executeUpdate();
            }
            if (n == 1) {
                try (PreparedStatement ps = c.prepareStatement("update webhook_delivery set status = 'cancelled',"
                        + " lease_until = null, finished_at = ? where subscription_id = ? and status in ('pending', 'sending')")) {
                    ps.setObject(1, now.atOffset(ZoneOffset.UTC));
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
            }
            return n == 1;
        });
    }

    /** The subscription's secret, opened for signing. */
    String secret(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select sealed_secret from webhook_subscription where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no webhook subscription " + id);
                }
                return seal.open(rs.getBytes(1), id);
            }
        }
    }

    private static final String SELECT = "select id, url, types, include_identities, created_at, created_by, from_seq,"
            + " alerted_at, deleted_at from webhook_subscription";

    private static Subscription read(ResultSet rs) throws SQLException {
        return new Subscription(rs.getString(1), rs.getString(2),
                Arrays.stream(rs.getString(3).split(",")).filter(s -> !s.isBlank()).toList(), rs.getBoolean(4),
                instant(rs, 5), rs.getString(6), rs.getLong(7), instant(rs, 8), instant(rs, 9));
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
