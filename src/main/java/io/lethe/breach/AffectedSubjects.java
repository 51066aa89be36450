package io.lethe.breach;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Who a breach affects, from the register and the sync log (README, Breach register), as it stood when the breach was
 * recorded (the position of its {@code breach_recorded} entry in the sync log): nobody reached later is told of a
 * breach that was before their time, and an erasure after the recording (often one of the measures taken) does not
 * hide that the vendor held the person when the data leaked.
 * <ul>
 *   <li>per affected connector, the subjects that vendor held: an entry of that connector whose action put or found
 *       the person there (anything but {@code erase}) with outcome {@code delivered} or {@code completed}, and no
 *       erasure there ({@code erase} with {@code verified}, {@code completed} or {@code not_found}) after it and
 *       before the recording;</li>
 *   <li>per affected purpose, the subjects with a decision for it (granted, denied or withdrawn alike: the register
 *       held their data for it) recorded before the breach was;</li>
 *   <li>never a crypto-shredded subject (no data key: nobody left to tell).</li>
 * </ul>
 * Subject ids only, sorted, each once.
 */
final class AffectedSubjects {

    private AffectedSubjects() {
    }

    static List<String> of(Connection c, Breach b) throws SQLException {
        long mark = Long.MAX_VALUE;
        OffsetDateTime markedAt = b.recordedAt().atOffset(ZoneOffset.UTC);
        try (PreparedStatement ps = c.prepareStatement("select seq, at from sync_log where vendor = ? and request_id = ?"
                + " and action = 'breach_recorded'")) {
            ps.setString(1, BreachRegister.CHAIN);
            ps.setString(2, b.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    mark = rs.getLong(1);
                    markedAt = rs.getObject(2, OffsetDateTime.class);
                }
            }
        }
        long before = mark;
        TreeSet<String> ids = new TreeSet<>();
        for (String connector : b.connectors()) {
            collect(c, ids, "select distinct l.subject_id from sync_log l join subject s on s.id = l.subject_id"
                    + " where l.vendor = ? and l.action <> 'erase' and l.outcome in ('delivered', 'completed')"
                    + " and l.seq < ? and s.data_key is not null and not exists (select 1 from sync_log e"
                    + " where e.vendor = l.vendor and e.subject_id = l.subject_id and e.action = 'erase'"
                    + " and e.outcome in ('verified', 'completed', 'not_found') and e.seq > l.seq and e.seq < ?)",
                    ps -> {
                        ps.setString(1, connector);
                        ps.setLong(2, before);
                        ps.setLong(3, before);
                    });
        }
        for (String purpose : b.purposes()) {
            OffsetDateTime at = markedAt;
            collect(c, ids, "select distinct ce.subject_id from consent_event ce join subject s on s.id = ce.subject_id"
                    + " where ce.purpose = ? and ce.recorded_at <= ? and s.data_key is not null", ps -> {
                        ps.setString(1, purpose);
                        ps.setObject(2, at);
                    });
        }
        return new ArrayList<>(ids);
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static void collect(Connection c, TreeSet<String> ids, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
    }
}
