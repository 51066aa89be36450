package io.lethe.breach;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Who a breach affects, from the register and the sync log (README, Breach register):
 * <ul>
 *   <li>per affected connector, the subjects that vendor held: an entry of that connector whose action put or found
 *       the person there (anything but {@code erase}) with outcome {@code delivered} or {@code completed}, and no later
 *       erasure there ({@code erase} with {@code verified}, {@code completed} or {@code not_found});</li>
 *   <li>per affected purpose, the subjects with a recorded decision for it (granted, denied or withdrawn alike: the
 *       register held their data for it);</li>
 *   <li>never a crypto-shredded subject (no data key: nobody left to tell).</li>
 * </ul>
 * Subject ids only, sorted, each once.
 */
final class AffectedSubjects {

    private AffectedSubjects() {
    }

    static List<String> of(Connection c, Breach b) throws SQLException {
        TreeSet<String> ids = new TreeSet<>();
        for (String connector : b.connectors()) {
            collect(c, ids, "select distinct l.subject_id from sync_log l join subject s on s.id = l.subject_id"
                    + " where l.vendor = ? and l.action <> 'erase' and l.outcome in ('delivered', 'completed')"
                    + " and s.data_key is not null and not exists (select 1 from sync_log e where e.vendor = l.vendor"
                    + " and e.subject_id = l.subject_id and e.action = 'erase'"
                    + " and e.outcome in ('verified', 'completed', 'not_found') and e.seq > l.seq)", connector);
        }
        for (String purpose : b.purposes()) {
            collect(c, ids, "select cs.subject_id from consent_state cs join subject s on s.id = cs.subject_id"
                    + " where cs.purpose = ? and s.data_key is not null", purpose);
        }
        return new ArrayList<>(ids);
    }

    private static void collect(Connection c, TreeSet<String> ids, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
    }
}
