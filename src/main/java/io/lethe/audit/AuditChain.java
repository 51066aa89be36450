package io.lethe.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.register.RegisterException;

/**
 * Verifies the sync log's chains and issues signed checkpoints of their heads. A verification recomputes every
 * vendor's chain (streaming, oldest first) and then compares it with a checkpoint: the latest one this hub issued,
 * or one handed in (an exported file), which must carry this hub's signature.
 */
public final class AuditChain {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final SyncLog syncLog;
    private final AuditKey key;
    private final Clock clock;

    public AuditChain(DataSource dataSource, SyncLog syncLog, AuditKey key, Clock clock) {
        this.dataSource = dataSource;
        this.syncLog = syncLog;
        this.key = key;
        this.clock = clock;
    }

    /** Recomputes every chain and compares it with the latest checkpoint issued, if there is one. */
    public Verdict verify() {
        Checkpoint latest;
        try {
            latest = latest().orElse(null);
        } catch (Checkpoint.Invalid unreadable) {
            // A recorded checkpoint that no longer parses was tampered with: say so rather than fail.
            Verdict chain = verify(null);
            return chain.valid() ? chain.failing(null, Verdict.Reason.CHECKPOINT_NOT_GENUINE, null) : chain;
        }
        return verify(latest);
    }

    /** Recomputes every chain and compares it with {@code checkpoint} (null: no comparison). */
    public Verdict verify(Checkpoint checkpoint) {
        Pass pass = recompute(checkpoint);
        Map<String, Checkpoint.VendorHead> heads = new TreeMap<>();
        pass.tallies.forEach((v, t) -> heads.put(v, new Checkpoint.VendorHead(t.entries, t.headSeq, t.headHash)));
        Verdict chain = new Verdict(pass.brokenSeq == null, pass.count, pass.brokenSeq,
                pass.brokenSeq == null ? null : Verdict.Reason.BROKEN_CHAIN, pass.brokenVendor, heads, checkpoint);
        if (!chain.valid() || checkpoint == null) {
            return chain;
        }
        if (!genuine(checkpoint)) {
            return chain.failing(null, Verdict.Reason.CHECKPOINT_NOT_GENUINE, null);
        }
        return compare(chain, pass, checkpoint);
    }

    /** Verifies the log against the latest checkpoint, then signs and records a new one; refuses a broken log. */
    public Checkpoint issue() {
        Verdict verdict = verify();
        if (!verdict.valid()) {
            throw new IllegalStateException("the sync log does not verify (" + verdict.reason().wire()
                    + (verdict.firstBrokenSeq() == null ? "" : " at seq " + verdict.firstBrokenSeq())
                    + "): no checkpoint is issued over it");
        }
        long entries = verdict.heads().values().stream().mapToLong(Checkpoint.VendorHead::entries).sum();
        Checkpoint unsigned = new Checkpoint(clock.instant().truncatedTo(ChronoUnit.MILLIS), entries, verdict.heads(),
                key.keyId(), key.publicKey(), "");
        Checkpoint signed = unsigned.withSignature(Base64.getEncoder().encodeToString(key.sign(unsigned.signedBytes())));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into audit_checkpoint (issued_at, document) values (?, ?)")) {
            ps.setObject(1, signed.issuedAt().atOffset(ZoneOffset.UTC));
            ps.setString(2, JSON.writeValueAsString(signed.toDocument()));
            ps.executeUpdate();
        } catch (SQLException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegisterException("recording the checkpoint failed", e);
        }
        return signed;
    }

    /** The latest checkpoint this hub issued. */
    public Optional<Checkpoint> latest() {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select document from audit_checkpoint order by id desc limit 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(Checkpoint.parse(JSON.readTree(rs.getString(1)))) : Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Checkpoint.Invalid("document", "is not JSON");
        } catch (SQLException e) {
            throw new RegisterException("reading the latest checkpoint failed", e);
        }
    }

    /** Signed by this hub's checkpoint key (the key named in the document is not trusted on its own word). */
    public boolean genuine(Checkpoint checkpoint) {
        return key.publicKey().equals(checkpoint.publicKey()) && key.verify(checkpoint.signedBytes(),
                checkpoint.signatureBytes());
    }

    private static Verdict compare(Verdict chain, Pass pass, Checkpoint checkpoint) {
        for (Map.Entry<String, Checkpoint.VendorHead> expected : checkpoint.vendors().entrySet()) {
            Checkpoint.VendorHead want = expected.getValue();
            Tally tally = pass.tallies.get(expected.getKey());
            if (tally == null || tally.headHashAtCheckpoint == null) {
                return chain.failing(want.headSeq(), Verdict.Reason.TRUNCATED, expected.getKey());
            }
            if (!tally.headHashAtCheckpoint.equals(want.headHash())) {
                return chain.failing(want.headSeq(), Verdict.Reason.CHECKPOINT_MISMATCH, expected.getKey());
            }
            if (tally.entriesUpToCheckpoint != want.entries()) {
                return chain.failing(want.headSeq(), Verdict.Reason.TRUNCATED, expected.getKey());
            }
        }
        return chain;
    }

    private Pass recompute(Checkpoint checkpoint) {
        Pass pass = new Pass();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("select seq, at,"
                + " vendor, subject_id, request_id, action, outcome, http_status, attempt, detail, hash, prev_hash,"
                + " chain from sync_log order by seq")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pass.count++;
                    if (pass.brokenSeq != null) {
                        continue;
                    }
                    SyncEntry e = new SyncEntry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            (Integer) rs.getObject(8), (Integer) rs.getObject(9), rs.getString(10), rs.getString(11),
                            rs.getString(12));
                    boolean keyed = SyncLog.HMAC_CHAIN.equals(rs.getString(13));
                    Tally t = pass.tallies.computeIfAbsent(e.vendor(), v -> new Tally());
                    String expectedPrev = t.headHash == null ? SyncLog.GENESIS : t.headHash;
                    // A plain SHA-256 entry after any keyed one is a forgery: since the upgrade the hub writes keyed
                    // entries only, so every legacy entry is older (lower seq) than the first keyed entry of the log.
                    boolean ok = (keyed || !pass.keyedSeen) && expectedPrev.equals(e.prevHash()) && e.hash().equals(
                            keyed ? syncLog.keyedHash(expectedPrev, e) : SyncLog.legacyHash(expectedPrev, e));
                    if (!ok) {
                        pass.brokenSeq = e.seq();
                        pass.brokenVendor = e.vendor();
                        continue;
                    }
                    pass.keyedSeen |= keyed;
                    t.add(e, checkpoint == null ? null : checkpoint.vendors().get(e.vendor()));
                }
            }
        } catch (SQLException e) {
            throw new RegisterException("reading the sync log failed", e);
        }
        return pass;
    }

    /** One streaming pass over the log. */
    private static final class Pass {
        final Map<String, Tally> tallies = new HashMap<>();
        long count;
        Long brokenSeq;
        String brokenVendor;
        boolean keyedSeen;
    }

    /** One vendor's chain so far. */
    private static final class Tally {
        long entries;
        long headSeq;
        String headHash;
        long entriesUpToCheckpoint;
        String headHashAtCheckpoint;

        void add(SyncEntry e, Checkpoint.VendorHead checkpointed) {
            entries++;
            headSeq = e.seq();
            headHash = e.hash();
            if (checkpointed != null && e.seq() <= checkpointed.headSeq()) {
                entriesUpToCheckpoint++;
                if (e.seq() == checkpointed.headSeq()) {
                    headHashAtCheckpoint = e.hash();
                }
            }
        }
    }
}
