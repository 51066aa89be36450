package io.lethe.audit;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.cli.LetheCommandAccess;
import io.lethe.support.HubTestSupport;
import io.lethe.support.VendorFakes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sync log's chain is keyed (a database writer cannot recompute it) and checkpoints expose a log whose newest
 * entries were removed. Tests run in order of the damage they do to the one hub's log: each restores what it broke.
 */
abstract class AuditChainTest extends HubTestSupport {

    VendorFakes fakes;

    @Override
    protected Properties extraProperties() {
        fakes = new VendorFakes();
        Properties p = fakes.hubProperties();
        p.put("lethe.connectors", "hubspot");
        return p;
    }

    @AfterAll
    void stopFakes() {
        fakes.close();
    }

    /** Records {@code more} withdrawals and waits for their hubspot entries. */
    List<SyncEntryRow> hubspotEntries(int more) {
        int before = rows("hubspot").size();
        for (int i = 0; i < more; i++) {
            assertThat(api.post("/api/v1/consents", INTAKE_KEY, """
                    {"subject": {"email": "audit.person.%d.%s@example-customer-domain.com"},
                     "purpose": "email_marketing", "status": "withdrawn"}""".formatted(i, System.nanoTime()))
                    .status()).isEqualTo(201);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> rows("hubspot").size() >= before + more);
        return rows("hubspot");
    }

    @Test
    void deleting_the_newest_entry_and_moving_the_head_is_caught_by_the_checkpoint() throws Exception {
        List<SyncEntryRow> entries = hubspotEntries(2);
        JsonNode checkpoint = api.get("/api/v1/audit/checkpoint", COMPLIANCE_KEY).json();
        assertThat(checkpoint.path("format").asText()).isEqualTo(Checkpoint.FORMAT);
        assertThat(checkpoint.path("vendors").path("hubspot").path("entries").asLong()).isEqualTo(entries.size());
        assertThat(checkpoint.path("signature").asText()).isNotBlank();
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
        Path file = Files.writeString(Files.createTempFile("checkpoint-", ".json"), checkpoint.toString());
        assertThat(cli("audit", "verify", "--checkpoint", file.toString())).as(() -> lastOut).isZero();

        SyncEntryRow newest = entries.get(entries.size() - 1);
        execute("delete from sync_log where seq = ?", newest.seq);
        execute("update sync_log_head set hash = ? where vendor = 'hubspot'", newest.prevHash);
        try {
            JsonNode verdict = api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json();
            assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isFalse();
            assertThat(verdict.path("reason").asText()).isEqualTo("truncated");
            assertThat(verdict.path("vendor").asText()).isEqualTo("hubspot");
            assertThat(verdict.path("firstBrokenSeq").asLong()).isEqualTo(newest.seq);
            // The exported file still catches it after the stored checkpoints are deleted too.
            execute("delete from audit_checkpoint where id > ?", -1L);
            assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
            JsonNode against = api.post("/api/v1/audit/verify", ADMIN_KEY, checkpoint.toString()).json();
            assertThat(against.path("reason").asText()).as(against.toString()).isEqualTo("truncated");
            assertThat(cli("audit", "verify", "--checkpoint", file.toString())).isEqualTo(1);
            assertThat(lastOut).contains("\"truncated\"");
        } finally {
            restore(newest);
        }
        assertThat(cli("audit", "verify", "--checkpoint", file.toString())).as(() -> lastOut).isZero();
    }

    @Test
    void an_entry_rewritten_with_its_chain_recomputed_is_caught_without_the_key() throws Exception {
        List<SyncEntryRow> entries = hubspotEntries(2);
        SyncEntryRow victim = entries.get(entries.size() - 2);
        // What an attacker with database access can do: edit, then recompute the hashes from there on.
        String prev = victim.prevHash;
        for (SyncEntryRow e : entries.subList(entries.size() - 2, entries.size())) {
            SyncEntry edited = e.entry(e == victim ? "not_found" : e.outcome);
            String hash = SyncLog.legacyHash(prev, edited);
            execute("update sync_log set outcome = ?, prev_hash = ?, hash = ? where seq = ?", edited.outcome(), prev,
                    hash, e.seq);
            prev = hash;
        }
        execute("update sync_log_head set hash = ? where vendor = 'hubspot'", prev);
        JsonNode verdict = api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json();
        assertThat(verdict.path("valid").asBoolean()).as(verdict.toString()).isFalse();
        assertThat(verdict.path("reason").asText()).isEqualTo("broken_chain");
        assertThat(verdict.path("firstBrokenSeq").asLong()).isEqualTo(victim.seq);
        // Marking the rewritten entries as written before the chain was keyed does not help either.
        execute("update sync_log set chain = null where seq >= ? and vendor = 'hubspot'", victim.seq);
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("firstBrokenSeq").asLong())
                .isEqualTo(victim.seq);
        for (SyncEntryRow e : entries.subList(entries.size() - 2, entries.size())) {
            execute("update sync_log set outcome = ?, prev_hash = ?, hash = ?, chain = ? where seq = ?", e.outcome,
                    e.prevHash, e.hash, SyncLog.HMAC_CHAIN, e.seq);
        }
        execute("update sync_log_head set hash = ? where vendor = 'hubspot'", entries.get(entries.size() - 1).hash);
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();

        // The whole log rewritten as entries of the old, unkeyed kind: only a checkpoint can tell, and it does.
        assertThat(api.get("/api/v1/audit/checkpoint", ADMIN_KEY).status()).isEqualTo(200);
        List<SyncEntryRow> all = rows("hubspot");
        String legacyPrev = SyncLog.GENESIS;
        for (SyncEntryRow e : all) {
            String hash = SyncLog.legacyHash(legacyPrev, e.entry(e.outcome));
            execute("update sync_log set prev_hash = ?, hash = ?, chain = null where seq = ?", legacyPrev, hash, e.seq);
            legacyPrev = hash;
        }
        execute("update sync_log_head set hash = ? where vendor = 'hubspot'", legacyPrev);
        try {
            JsonNode rewritten = api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json();
            assertThat(rewritten.path("reason").asText()).as(rewritten.toString()).isEqualTo("checkpoint_mismatch");
        } finally {
            for (SyncEntryRow e : all) {
                execute("update sync_log set prev_hash = ?, hash = ?, chain = ? where seq = ?", e.prevHash, e.hash,
                        e.chain, e.seq);
            }
            execute("update sync_log_head set hash = ? where vendor = 'hubspot'", all.get(all.size() - 1).hash);
        }
        assertThat(api.get("/api/v1/audit/verify", COMPLIANCE_KEY).json().path("valid").asBoolean()).isTrue();
    }

    @Test
    void a_checkpoint_not_signed_by_this_hub_is_refused() throws Exception {
        hubspotEntries(1);
        ObjectNode checkpoint = (ObjectNode) api.get("/api/v1/audit/checkpoint", ADMIN_KEY).json();
        ObjectNode forged = checkpoint.deepCopy();
        forged.put("entries", checkpoint.path("entries").asLong() + 1);
        JsonNode verdict = api.post("/api/v1/audit/verify", ADMIN_KEY, forged.toString()).json();
        assertThat(verdict.path("valid").asBoolean()).isFalse();
        assertThat(verdict.path("reason").asText()).isEqualTo("checkpoint_not_genuine");

        ObjectNode otherKey = checkpoint.deepCopy();
        otherKey.put("publicKey", AuditKey.of(new byte[32]).publicKey());
        assertThat(api.post("/api/v1/audit/verify", ADMIN_KEY, otherKey.toString()).json().path("reason").asText())
                .isEqualTo("checkpoint_not_genuine");

        // A recorded checkpoint that was altered in the database is not trusted either.
        execute("update audit_checkpoint set document = ? where id = (select max(id) from audit_checkpoint)",
                forged.toString());
        assertThat(api.get("/api/v1/audit/verify", ADMIN_KEY).json().path("reason").asText())
                .isEqualTo("checkpoint_not_genuine");
        execute("update audit_checkpoint set document = ? where id = (select max(id) from audit_checkpoint)", "{oops");
        assertThat(api.get("/api/v1/audit/verify", ADMIN_KEY).json().path("reason").asText())
                .isEqualTo("checkpoint_not_genuine");
        execute("delete from audit_checkpoint where id > ?", -1L);

        var bad = api.post("/api/v1/audit/verify", ADMIN_KEY, "{\"format\":\"something-else\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").get(0).path("field").asText()).isEqualTo("format");
        assertThat(api.get("/api/v1/audit/checkpoint", MARKETER_KEY).status()).isEqualTo(403);
        assertThat(api.post("/api/v1/audit/verify", INTAKE_KEY, checkpoint.toString()).status()).isEqualTo(403);
    }

    @Test
    void the_chain_key_is_kept_in_the_data_directory_with_mode_600_not_in_the_database() throws Exception {
        Path keyFile = dataDir.resolve(AuditKey.FILE_NAME);
        assertThat(keyFile).exists();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                .isEqualTo("rw-------");
    }

    String lastOut = "";

    int cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("-Dlethe.db.url=" + database.url());
        all.add("-Dlethe.db.user=" + database.user());
        all.add("-Dlethe.db.password=" + database.password());
        all.add("-Dlethe.data-dir=" + dataDir);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = LetheCommandAccess.execute(new PrintWriter(out, true, StandardCharsets.UTF_8),
                all.toArray(String[]::new));
        lastOut = out.toString(StandardCharsets.UTF_8);
        return code;
    }

    void restore(SyncEntryRow row) throws Exception {
        execute("insert into sync_log (seq, at, vendor, subject_id, request_id, action, outcome, http_status, attempt,"
                + " detail, prev_hash, hash, chain) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row.seq, row.at,
                row.vendor, row.subjectId, row.requestId, row.action, row.outcome, row.httpStatus, row.attempt,
                row.detail, row.prevHash, row.hash, row.chain);
        execute("update sync_log_head set hash = ? where vendor = 'hubspot'", rows("hubspot").get(
                rows("hubspot").size() - 1).hash);
    }

    void execute(String sql, Object... args) throws Exception {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    List<SyncEntryRow> rows(String vendor) {
        List<SyncEntryRow> rows = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("select seq, at, vendor,"
                + " subject_id, request_id, action, outcome, http_status, attempt, detail, prev_hash, hash, chain"
                + " from sync_log where vendor = ? order by seq")) {
            ps.setString(1, vendor);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new SyncEntryRow(rs.getLong(1), rs.getObject(2, OffsetDateTime.class), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            (Integer) rs.getObject(8), (Integer) rs.getObject(9), rs.getString(10), rs.getString(11),
                            rs.getString(12), rs.getString(13)));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** One row as stored. */
    record SyncEntryRow(long seq, OffsetDateTime at, String vendor, String subjectId, String requestId, String action,
            String outcome, Integer httpStatus, Integer attempt, String detail, String prevHash, String hash,
            String chain) {

        SyncEntry entry(String newOutcome) {
            return new SyncEntry(seq, at.toInstant(), vendor, subjectId, requestId, action, newOutcome, httpStatus,
                    attempt, detail, hash, prevHash);
        }
    }
}
