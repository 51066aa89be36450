package io.lethe.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import io.lethe.db.Transactions;
import io.lethe.register.RegisterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vendor quotas of ids per day or calendar month (Segment: 110,000 users a month per regulation category; GA4: 500
 * requests a day per property), declared per operation in the connector file ({@code quota: {ids, per, bucket, zone}}).
 * Before a batch goes out, {@link #admit} counts its commands into the current period, each command once however
 * often it is retried. Those that do not fit are not sent: they wait for the next period, the connector parks until
 * then, and the DPO is told once per period (a vendor would refuse them, or worse, silently drop them).
 */
public final class VendorQuotas {

    private static final Logger LOG = LoggerFactory.getLogger(VendorQuotas.class);

    public enum Per { DAY, MONTH }

    /** One declared quota; {@code bucket} separates quotas of one connector (Segment's two categories). */
    public record Quota(String bucket, long ids, Per per, ZoneId zone) {
    }

    /** The quota of (connector, action), from its operation in the connector file. */
    @FunctionalInterface
    public interface Declared {
        Optional<Quota> of(String connectorId, String action);
    }

    /** What {@link #admit} decided: the commands to send now, the others and when their period begins. */
    public record Admission(List<Command> admitted, List<Command> deferred, Instant nextPeriod, String reason) {
    }

    private final DataSource dataSource;
    private final VendorJobs.DpoMail mail;
    private final Clock clock;

    public VendorQuotas(DataSource dataSource, VendorJobs.DpoMail mail, Clock clock) {
        this.dataSource = dataSource;
        this.mail = mail;
        this.clock = clock;
    }

    /** Counts the commands into the quota's period as far as it allows; the DPO is told when some must wait. */
    public Admission admit(String connector, Quota quota, List<Command> commands) {
        Instant now = clock.instant();
        String period = period(quota, now);
        Instant next = nextPeriod(quota, now);
        String reason = quota.per() == Per.MONTH ? "monthly quota of " + quota.ids() + " ids" : "daily quota of "
                + quota.ids() + " ids";
        reason += (quota.bucket() == null || quota.bucket().isEmpty() ? "" : " (" + quota.bucket() + ")")
                + " reached; next period from " + next;
        String why = reason;
        return inTransaction(c -> {
            long used = lockPeriod(c, connector, quota.bucket(), period);
            Set<Long> counted = counted(c, connector, quota.bucket(), period, commands);
            List<Command> admitted = new ArrayList<>();
            List<Command> deferred = new ArrayList<>();
            List<Long> fresh = new ArrayList<>();
            for (Command cmd : commands) {
                if (counted.contains(cmd.id())) {
                    admitted.add(cmd);              // a retry: counted the first time it went out
                } else if (used + fresh.size() < quota.ids()) {
                    admitted.add(cmd);
                    fresh.add(cmd.id());
                } else {
                    deferred.add(cmd);
                }
            }
            count(c, connector, quota.bucket(), period, fresh, used + fresh.size());
            if (!deferred.isEmpty() && markAlerted(c, connector, quota.bucket(), period)) {
                mail.send(c, "dpo-quota", "[Lethe] " + connector + ": vendor quota reached",
                        "Connector " + connector + " has used its " + why + ".\n\n" + deferred.size()
                                + " command(s) and any later ones wait until then (the connector is parked; GET"
                                + " /api/v1/connectors shows it). Ask the vendor to raise the quota to send them"
                                + " sooner; their requests stay in_progress meanwhile.\n");
                LOG.warn("Connector {}: {}; {} command(s) wait, the DPO is told", connector, why, deferred.size());
            }
            return new Admission(admitted, deferred, next, why);
        });
    }

    /** Ids counted in the current period (for tests and health views). */
    public long used(String connector, Quota quota) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("select used from vendor_quota where connector = ? and"
                    + " bucket = ? and period_start = ?")) {
                ps.setString(1, connector);
                ps.setString(2, bucket(quota.bucket()));
                ps.setString(3, period(quota, clock.instant()));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    static String period(Quota quota, Instant at) {
        return quota.per() == Per.MONTH ? YearMonth.from(at.atZone(zone(quota))).toString()
                : LocalDate.ofInstant(at, zone(quota)).toString();
    }

    static Instant nextPeriod(Quota quota, Instant at) {
        ZoneId zone = zone(quota);
        LocalDate start = quota.per() == Per.MONTH ? YearMonth.from(at.atZone(zone)).plusMonths(1).atDay(1)
                : LocalDate.ofInstant(at, zone).plusDays(1);
        return start.atStartOfDay(zone).toInstant();
    }

    private static ZoneId zone(Quota quota) {
        return quota.zone() == null ? ZoneOffset.UTC : quota.zone();
    }

    private static String bucket(String bucket) {
        return bucket == null ? "" : bucket;
    }

    /** The period's row, created if needed and locked (one dispatcher counts at a time); returns its count. */
    private static long lockPeriod(Connection c, String connector, String bucket, String period) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into vendor_quota (connector, bucket, period_start, used)"
                + " select ?, ?, ?, 0 where not exists (select 1 from vendor_quota where connector = ? and bucket = ?"
                + " and period_start = ?)")) {
            ps.setString(1, connector);
            ps.setString(2, bucket(bucket));
            ps.setString(3, period);
            ps.setString(4, connector);
            ps.setString(5, bucket(bucket));
            ps.setString(6, period);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("select used from vendor_quota where connector = ? and bucket = ?"
                + " and period_start = ? for update")) {
            ps.setString(1, connector);
            ps.setString(2, bucket(bucket));
            ps.setString(3, period);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Set<Long> counted(Connection c, String connector, String bucket, String period,
            List<Command> commands) throws SQLException {
        Set<Long> counted = new HashSet<>();
        if (commands.isEmpty()) {
            return counted;
        }
        Set<Long> wanted = new HashSet<>();
        commands.forEach(cmd -> wanted.add(cmd.id()));
        try (PreparedStatement ps = c.prepareStatement("select command_id from vendor_quota_use where connector = ? and"
                + " bucket = ? and period_start = ? and command_id between ? and ?")) {
            ps.setString(1, connector);
            ps.setString(2, bucket(bucket));
            ps.setString(3, period);
            ps.setLong(4, wanted.stream().mapToLong(Long::longValue).min().orElseThrow());
            ps.setLong(5, wanted.stream().mapToLong(Long::longValue).max().orElseThrow());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (wanted.contains(rs.getLong(1))) {
                        counted.add(rs.getLong(1));
                    }
                }
            }
        }
        return counted;
    }

    private static void count(Connection c, String connector, String bucket, String period, List<Long> fresh,
            long used) throws SQLException {
        if (fresh.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("insert into vendor_quota_use (connector, bucket, period_start,"
                + " command_id) values (?, ?, ?, ?)")) {
            for (Long id : fresh) {
                ps.setString(1, connector);
                ps.setString(2, bucket(bucket));
                ps.setString(3, period);
                ps.setLong(4, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("update vendor_quota set used = ? where connector = ? and"
                + " bucket = ? and period_start = ?")) {
            ps.setLong(1, used);
            ps.setString(2, connector);
            ps.setString(3, bucket(bucket));
            ps.setString(4, period);
            ps.executeUpdate();
        }
    }

    private boolean markAlerted(Connection c, String connector, String bucket, String period) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update vendor_quota set alerted_at = ? where connector = ? and"
                + " bucket = ? and period_start = ? and alerted_at is null")) {
            ps.setObject(1, clock.instant().atOffset(ZoneOffset.UTC));
            ps.setString(2, connector);
            ps.setString(3, bucket(bucket));
            ps.setString(4, period);
            return ps.executeUpdate() == 1;
        }
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        try {
            return Transactions.inTransaction(dataSource, work);
        } catch (SQLException e) {
            throw new RegisterException("vendor quota accounting failed", e);
        }
    }
}
