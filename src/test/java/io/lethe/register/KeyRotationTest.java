package io.lethe.register;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lethe.cli.LetheCommandAccess;
import io.lethe.support.HubTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code lethe keys rotate} against a running hub: every data key ends up under the new master key, the hub keeps
 * recording and reading personal data throughout, and a restart reads the register with the installed key alone.
 */
abstract class KeyRotationTest extends HubTestSupport {

    /** The test looks up every subject it made (well over the default 60 look-ups a minute per key). */
    @Override
    protected java.util.Properties extraProperties() {
        java.util.Properties p = new java.util.Properties();
        p.put("lethe.api.rate-limit.lookups-per-minute", "100000");
        return p;
    }

    String record(String email) {
        var r = api.post("/api/v1/consents", INTAKE_KEY, """
                {"subject": {"email": "%s"}, "purpose": "email_marketing", "status": "granted",
                 "evidence": {"noticeVersion": "2026-01", "ip": "203.0.113.7", "userAgent": "Mozilla/5.0"}}"""
                .formatted(email));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("subjectId").asText();
    }

    @Test
    void rotation_rewraps_every_data_key_while_the_hub_keeps_working() throws Exception {
        Map<String, String> subjects = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < 25; i++) {
            String email = "rotation.person.%02d@example-customer-domain.com".formatted(i);
            subjects.put(email, record(email));
        }
        byte[] oldKey = MasterKeys.loadExisting("", "", "", dataDir).primary();
        Map<String, byte[]> wrappedBefore = wrappedKeys();

        AtomicBoolean rotating = new AtomicBoolean(true);
        List<String> createdDuring = new CopyOnWriteArrayList<>();
        Thread traffic = new Thread(() -> {
            int n = 0;
            while (rotating.get()) {
                String email = "during.rotation.%03d@example-customer-domain.com".formatted(n++);
                subjects.put(email, record(email));
                createdDuring.add(email);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        traffic.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            code = LetheCommandAccess.execute(new PrintWriter(out, true, StandardCharsets.UTF_8), "keys", "rotate",
                    "--batch-size", "7", "-Dlethe.db.url=" + database.url(), "-Dlethe.db.user=" + database.user(),
                    "-Dlethe.db.password=" + database.password(), "-Dlethe.data-dir=" + dataDir);
        } finally {
            rotating.set(false);
            traffic.join();
        }
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(createdDuring).isNotEmpty();

        byte[] newKey = MasterKeys.loadExisting("", "", "", dataDir).primary();
        assertThat(newKey).isNotEqualTo(oldKey);
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(java.util.Base64.getEncoder().encodeToString(newKey));
        assertThat(dataDir.resolve(MasterKeys.NEXT_FILE)).doesNotExist();
        assertThat(dataDir.resolve("lethe.key.retired-" + KeyRing.keyId(oldKey))).exists();
        assertThat(dataDir.resolve(MasterKeys.LOOKUP_FILE)).exists();

        // Every data key is under the new key; the old one alone opens none of them.
        KeyRing restarted = new KeyRing(() -> MasterKeys.loadExisting("", "", "", dataDir));
        KeyRing oldOnly = new KeyRing(oldKey);
        Map<String, byte[]> wrappedAfter = wrappedKeys();
        assertThat(wrappedAfter).hasSize(subjects.size());
        for (Map.Entry<String, byte[]> e : wrappedAfter.entrySet()) {
            restarted.unwrap(e.getKey(), e.getValue());
            assertThat(oldOnlyOpens(oldOnly, e.getKey(), e.getValue())).as("old key opens " + e.getKey()).isFalse();
            if (wrappedBefore.containsKey(e.getKey())) {
                assertThat(e.getValue()).isNotEqualTo(wrappedBefore.get(e.getKey()));
            }
        }
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select count(*) from subject where key_id = '" + KeyRing.keyId(newKey) + "'")) {
            rs.next();
            // Subjects the hub made after the last pass have no key id (the hub does not record it), but the new key.
            assertThat(rs.getLong(1)).isGreaterThanOrEqualTo(wrappedBefore.size());
        }
        // Lookups (by the unchanged lookup-hash key) and evidence still work, in the running hub and after a restart.
        for (Map.Entry<String, String> person : subjects.entrySet()) {
            var found = api.post("/api/v1/subjects/lookup", ADMIN_KEY, "{\"email\":\"" + person.getKey() + "\"}");
            assertThat(found.json().path("subjectId").asText()).isEqualTo(person.getValue());
            assertThat(restarted.lookupHash(IdentityKind.EMAIL, person.getKey()))
                    .isEqualTo(new KeyRing(oldKey).lookupHash(IdentityKind.EMAIL, person.getKey()));
        }
        String one = subjects.values().iterator().next();
        assertThat(api.get("/api/v1/subjects/" + one + "/consents/history", ADMIN_KEY).body()).contains("203.0.113.7");
        assertThat(restarted.lookupCheck()).isEqualTo(new KeyRing(oldKey).lookupCheck());
    }

    private static boolean oldOnlyOpens(KeyRing ring, String subjectId, byte[] wrapped) {
        try {
            ring.unwrap(subjectId, wrapped);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private Map<String, byte[]> wrappedKeys() throws Exception {
        Map<String, byte[]> keys = new HashMap<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id, data_key from subject where data_key is not null")) {
            while (rs.next()) {
                keys.put(rs.getString(1), rs.getBytes(2));
            }
        }
        return keys;
    }
}
