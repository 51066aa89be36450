package io.lethe.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.db.Transactions;
import io.lethe.register.RegisterException;

/**
 * The tamper-evident sync log. Each vendor's entries form a keyed hash chain:
 * {@code hash = HMAC-SHA256(chain key, prevHash || canonical JSON of the entry)}, the first entry chaining from 64
 * zeros. The chain key lives outside the database ({@link AuditKey}), so whoever can write the database cannot forge
 * a chain; removing, reordering or editing an entry breaks it from that entry on, and removing the newest entries is
 * caught by comparing with a signed {@link Checkpoint}. Entries written before the key existed (column {@code chain}
 * null) were chained with plain SHA-256 and still verify as such, but only before the log's first keyed entry.
 */
public final class SyncLog {

    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper CANONICAL = new ObjectMapper();

    /** The {@code chain} column of keyed entries; null marks the plain SHA-256 entries of earlier versions. */
    static final String HMAC_CHAIN = "hmac-sha256";

    private final DataSource dataSource;
    private final Clock clock;
    private final AuditKey key;

    public SyncLog(DataSource dataSource, Clock clock, AuditKey key) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.key = key;
    }

    /** Appends within the caller's transaction; the vendor's head row is locked until it commits. */
    public void append(Connection c, List<SyncEntry> entries) throws SQLException {
        Map<String, String> heads = new HashMap<>();
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try (PreparedStatement insert = c.prepareStatement("insert into sync_log (seq, at, vendor, subject_id,"
                + " request_id, action, outcome, http_status, attempt, detail, prev_hash, hash, chain)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (SyncEntry e : entries) {
                String prev = heads.containsKey(e.vendor()) ? heads.get(e.vendor()) : lockHead(c, e.vendor());
                long seq = nextSeq(c);
                SyncEntry chained = new SyncEntry(seq, at, e.vendor(), e.subjectId(), e.requestId(), e.action(),
                        e.outcome(), e.httpStatus(), e.attempt(), e.detail(), null, prev);
                String hash = keyedHash(prev, chained);
                heads.put(e.vendor(), hash);
                insert.setLong(1, seq);
                insert.setObject(2, at.atOffset(ZoneOffset.UTC));
                insert.setString(3, e.vendor());
                insert.setString(4, e.subjectId());
                insert.setString(5, e.requestId());
                insert.setString(6, e.action());
                insert.setString(7, e.outcome());
                setInt(insert, 8, e.httpStatus());
                setInt(insert, 9, e.attempt());
                insert.setString(10, e.detail());
                insert.setString(11, prev);
                insert.setString(12, hash);
                insert.setString(13, HMAC_CHAIN);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (PreparedStatement update = c.prepareStatement("update sync_log_head set hash = ? where vendor = ?")) {
            for (Map.Entry<String, String> head : heads.entrySet()) {
                update.setString(1, head.getValue());
                update.setString(2, head.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** Appends in a transaction of its own. */
    public void append(List<SyncEntry> entries) {
        try {
            Transactions.inTransaction(dataSource, c -> {
                append(c, entries);
                return null;
            });
        } catch (SQLException e) {
            throw new RegisterException("appending to the sync log failed", e);
        }
    }

    private static String lockHead(Connection c, String vendor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select hash from sync_log_head where vendor = ? for update")) {
            ps.setString(1, vendor);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
        }
        // First entry of this vendor. A concurrent first append fails on the primary key and its transaction retries.
        try (PreparedStatement ps = c.prepareStatement("insert into sync_log_head (vendor, hash) values (?, ?)")) {
            ps.setString(1, vendor);
            ps.setString(2, GENESIS);
            ps.executeUpdate();
        }
        return GENESIS;
    }

    private static long nextSeq(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select nextval('sync_log_seq')"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The chain rule. */
    public String keyedHash(String prevHash, SyncEntry e) {
        return key.chainMac(prevHash.getBytes(StandardCharsets.UTF_8), canonical(e));
    }

    /** The chain rule of entries written before the chain was keyed: anyone could recompute it. */
    static String legacyHash(String prevHash, SyncEntry e) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prevHash.getBytes(StandardCharsets.UTF_8));
            sha.update(canonical(e));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e2) {
            throw new IllegalStateException(e2);
        }
    }

    private static byte[] canonical(SyncEntry e) {
        List<Object> canonical = new ArrayList<>();
        canonical.add(e.seq());
        canonical.add(e.at().toString());
        canonical.add(e.vendor());
        canonical.add(e.subjectId());
        canonical.add(e.requestId());
        canonical.add(e.action());
        canonical.add(e.outcome());
        canonical.add(e.httpStatus());
        canonical.add(e.attempt());
        canonical.add(e.detail());
        try {
            return CANONICAL.writeValueAsBytes(canonical);
        } catch (JsonProcessingException e2) {
            throw new IllegalStateException(e2);
        }
    }

    /** Entries matching the query, oldest first, at most {@code limit + 1} (the extra one tells there are more). */
    public List<SyncEntry> find(SyncQuery q) {
        StringBuilder sql = new StringBuilder("select seq, at, vendor, subject_id, request_id, action, outcome,"
                + " http_status, attempt, detail, hash, prev_hash from sync_log where seq > ?");
        List<Object> args = new ArrayList<>(List.of(q.after()));
        if (q.vendor() != null) {
            sql.append(" and vendor = ?");
            args.add(q.vendor());
        }
        if (q.subjectId() != null) {
            sql.append(" and subject_id = ?");
            args.add(q.subjectId());
        }
        if (q.requestId() != null) {
            sql.append(" and request_id = ?");
            args.add(q.requestId());
        }
        if (q.action() != null) {
            sql.append(" and action = ?");
            args.add(q.action());
        }
        if (q.outcome() != null) {
            sql.append(" and outcome = ?");
            args.add(q.outcome());
        }
        if (q.from() != null) {
            sql.append(" and at >= ?");
            args.add(q.from().atOffset(ZoneOffset.UTC));
        }
        if (q.to() != null) {
            sql.append(" and at < ?");
            args.add(q.to().atOffset(ZoneOffset.UTC));
        }
        sql.append(" order by seq limit ?");
        args.add(q.limit() + 1);
        List<SyncEntry> entries = new ArrayList<>();
        stream(sql.toString(), args, entries::add);
        return entries;
    }

    /** The actions and outcomes the log holds (for the console's filter lists), each sorted. */
    public Map<String, List<String>> distinctCodes() {
        Map<String, List<String>> codes = new java.util.LinkedHashMap<>();
        for (String column : List.of("vendor", "action", "outcome")) {
            List<String> values = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "select distinct " + column + " from sync_log order by " + column);
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new RegisterException("reading the sync log failed", e);
            }
            codes.put(column, values);
        }
        return codes;
    }

    private void stream(String sql, List<Object> args, Consumer<SyncEntry> sink) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(new SyncEntry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            (Integer) rs.getObject(8), (Integer) rs.getObject(9), rs.getString(10), rs.getString(11),
                            rs.getString(12)));
                }
            }
        } catch (SQLException e) {
            throw new RegisterException("reading the sync log failed", e);
        }
    }

    private static void setInt(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }
}
