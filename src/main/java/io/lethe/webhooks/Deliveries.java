package io.lethe.webhooks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import io.lethe.events.Event;
import io.lethe.events.EventLog;

/**
 * The webhook delivery outbox: one row per (subscription, event), written in the transaction that sequences the
 * event, so no event of a subscription's types is ever without its delivery. Claimed with a lease (a crashed node's
 * claims expire and are taken again). Ordered per subject: a delivery is claimable only while no earlier delivery of
 * the same subscription and order key (the subject, or the event type for events about no one) is pending or being
 * sent; an earlier one that was given up no longer holds the later ones back.
 */
public final class Deliveries implements EventLog.Sequenced {

    /** A claimed delivery with what sending it needs. */
    public record Claimed(long id, String subscriptionId, String url, boolean includeIdentities, int attempts,
            Event event) {
    }

    /** One delivery as the API and console list it. */
    public record Row(long id, String subscriptionId, long eventId, String eventType, String status, int attempts,
            Instant nextAttemptAt, Integer lastStatus, String lastError, Instant createdAt, Instant finishedAt) {
    }

    private static final String CLAIMABLE = "((d.status = 'pending' and d.next_attempt_at <= ?)"
            + " or (d.status = 'sending' and d.lease_until < ?))";

    private final DataSource dataSource;
    private final Clock clock;

    public Deliveries(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public void onSequenced(Connection c, List<Event> events) throws SQLException {
        List<Subscription> subscriptions = Subscriptions.active(c);
        if (subscriptions.isEmpty()) {
            return;
        }
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement("insert into webhook_delivery (subscription_id, event_seq,"
                + " order_key, status, next_attempt_at, created_at) values (?, ?, ?, 'pending', ?, ?)")) {
            for (Event e : events) {
                for (Subscription s : subscriptions) {
                    if (s.types().contains(e.type()) && e.id() > s.fromSeq()) {
                        ps.setString(1, s.id());
                        ps.setLong(2, e.id());
                        ps.setString(3, e.subjectId() != null ? e.subjectId() : e.type());
                        ps.setObject(4, now);
                        ps.setObject(5, now);
                        ps.addBatch();
                    }
                }
            }
            ps.executeBatch();
        }
    }

    /** Claims up to {@code max} due deliveries, each the earliest unfinished one of its subscription and subject. */
    public List<Claimed> claim(int max, Duration lease) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        return Sql.transaction(dataSource, "claiming webhook deliveries", c -> {
            List<Long> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select d.id from webhook_delivery d where " + CLAIMABLE
                    + " and not exists (select 1 from webhook_delivery e where e.subscription_id = d.subscription_id"
                    + " and e.order_key = d.order_key and e.event_seq < d.event_seq"
                    + " and e.status in ('pending', 'sending')) order by d.event_seq, d.id limit ?")) {
                ps.setObject(1, now);
                ps.setObject(2, now);
                ps.setInt(3, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(rs.getLong(1));
                    }
                }
            }
            List<Claimed> claimed = new ArrayList<>();
            for (long id : due) {
                try (PreparedStatement ps = c.prepareStatement("update webhook_delivery d set status = 'sending',"
                        + " lease_until = ?, attempts = attempts + 1 where id = ? and " + CLAIMABLE)) {
                    ps.setObject(1, now.plus(lease));
                    ps.setLong(2, id);
                    ps.setObject(3, now);
                    ps.setObject(4, now);
                    if (ps.executeUpdate() == 1) { // another node did not take it first
                        claimed.add(read(c, id));
                    }
                }
            }
            return claimed;
        });
    }

    private static Claimed read(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select d.subscription_id, s.url, s.include_identities,"
                + " d.attempts, d.event_seq from webhook_delivery d join webhook_subscription s on s.id = d.subscription_id"
                + " where d.id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Claimed(id, rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getInt(4),
                        EventLog.read(c, rs.getLong(5)));
            }
        }
    }

    /** The receiver took it (2xx); the subscription's DPO alert is re-armed. */
    public void delivered(Claimed d, int status) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        Sql.transaction(dataSource, "recording a webhook delivery", c -> {
            if (finish(c, d.id(), "delivered", status, null, now) == 1) {
                try (PreparedStatement ps = c.prepareStatement(
                        "update webhook_subscription set alerted_at = null where id = ? and alerted_at is not null")) {
                    ps.setString(1, d.subscriptionId());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Failed; tried again at {@code next}. */
    public void retry(Claimed d, int status, String error, Instant next) {
        Sql.transaction(dataSource, "rescheduling a webhook delivery", c -> {
            try (PreparedStatement ps = c.prepareStatement("update webhook_delivery set status = 'pending',"
                    + " lease_until = null, next_attempt_at = ?, last_status = ?, last_error = ?"
                    + " where id = ? and status = 'sending'")) {
                ps.setObject(1, next.atOffset(ZoneOffset.UTC));
                ps.setInt(2, status);
                ps.setString(3, clip(error));
                ps.setLong(4, d.id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The DPO alert the first give-up of a subscription raises (written with the give-up, or not at all). */
    @FunctionalInterface
    public interface GiveUpAlert {
        void raise(Connection c, Claimed delivery) throws SQLException;
    }

    /**
     * Given up: marked failed (the receiver catches up through GET /api/v1/events); the DPO is told once per
     * subscription until one of its deliveries succeeds again. Returns whether this give-up raised the alert.
     */
    public boolean giveUp(Claimed d, int status, String error, GiveUpAlert alert) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        return Sql.transaction(dataSource, "giving up a webhook delivery", c -> {
            if (finish(c, d.id(), "failed", status, error, now) != 1) {
                return false;
            }
            int armed;
            try (PreparedStatement ps = c.prepareStatement(
                    "update webhook_subscription set alerted_at = ? where id = ? and alerted_at is null")) {
                ps.setObject(1, now);
                ps.setString(2, d.subscriptionId());
                armed = ps.executeUpdate();
            }
            if (armed == 1) {
                alert.raise(c, d);
            }
            return armed == 1;
        });
    }

    private static int finish(Connection c, long id, String status, int httpStatus, String error, OffsetDateTime now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update webhook_delivery set status = ?, lease_until = null,"
                + " last_status = ?, last_error = ?, finished_at = ? where id = ? and status = 'sending'")) {
            ps.setString(1, status);
            ps.setInt(2, httpStatus);
            ps.setString(3, clip(error));
            ps.setObject(4, now);
            ps.setLong(5, id);
            return ps.executeUpdate();
        }
    }

    /** The newest deliveries of a subscription ({@code status} null: any). */
    public List<Row> recent(String subscriptionId, String status, int limit) {
        return Sql.transaction(dataSource, "listing webhook deliveries", c -> {
            List<Row> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select d.id, d.subscription_id, d.event_seq, e.type,"
                    + " d.status, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.created_at, d.finished_at"
                    + " from webhook_delivery d join event_log e on e.seq = d.event_seq where d.subscription_id = ?"
                    + (status == null ? "" : " and d.status = ?") + " order by d.event_seq desc, d.id desc limit ?")) {
                int i = 1;
                ps.setString(i++, subscriptionId);
                if (status != null) {
                    ps.setString(i++, status);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Integer last = rs.getObject(8) == null ? null : rs.getInt(8);
                        out.add(new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                                rs.getString(5), rs.getInt(6), Subscriptions.instant(rs, 7),
                                last, rs.getString(9), Subscriptions.instant(rs, 10),
                                Subscriptions.instant(rs, 11)));
                    }
                }
            }
            return out;
        });
    }

    /** Deliveries per status of each subscription: id → status → count. */
    public Map<String, Map<String, Long>> counts() {
        return Sql.transaction(dataSource, "counting webhook deliveries", c -> {
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select subscription_id, status, count(*) from"
                    + " webhook_delivery group by subscription_id, status"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
                }
            }
            return out;
        });
    }

    private static String clip(String s) {
        return s == null || s.length() <= 256 ? s : s.substring(0, 256);
    }
}
