package io.lethe.register;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Database;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The register on its own, without HTTP: runs on H2 and on PostgreSQL (see subclasses). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsentRegisterTest {

    TestDatabase database;
    HikariDataSource dataSource;
    ConsentRegister register;
    KeyRing keys;

    abstract String databaseKind();

    @BeforeAll
    void openRegister() {
        database = TestDatabase.create(databaseKind());
        dataSource = Database.open(database.url(), database.user(), database.password(), 8);
        Database.migrate(dataSource);
        keys = new KeyRing(new byte[32]);
        register = new ConsentRegister(dataSource, keys, Clock.systemUTC());
    }

    @AfterAll
    void closeRegister() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    static NewConsent consent(String email, ConsentStatus status, String capturedAt) {
        return new NewConsent(Map.of(IdentityKind.EMAIL, email), "email_marketing", status, "consent", "test",
                Instant.parse(capturedAt), new Evidence("v1", "192.0.2.1", "agent"));
    }

    @Test
    void consent_history_is_append_only() {
        RecordOutcome.Recorded r = (RecordOutcome.Recorded) register.record(List.of(
                consent("append@example.com", ConsentStatus.GRANTED, "2026-01-01T00:00:00Z"))).get(0);
        for (String sql : new String[] {
            "update consent_event set status = 'withdrawn' where id = '" + r.eventId() + "'",
            "delete from consent_event where id = '" + r.eventId() + "'"}) {
            assertThatThrownBy(() -> execute(sql)).as(sql).isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
        assertThat(register.history(r.subjectId()).orElseThrow()).singleElement()
                .extracting(ConsentEvent::status).isEqualTo(ConsentStatus.GRANTED);
    }

    @Test
    void identities_and_evidence_are_stored_sealed_and_found_by_keyed_hash() throws Exception {
        register.record(List.of(consent("sealed@example.com", ConsentStatus.GRANTED, "2026-01-01T00:00:00Z")));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                var rs = s.executeQuery("select lookup_hash, sealed_value from subject_identity")) {
            while (rs.next()) {
                assertThat(new String(rs.getBytes(2), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .doesNotContain("sealed@example.com");
            }
        }
        String hash = keys.lookupHash(IdentityKind.EMAIL, "sealed@example.com");
        assertThat(hash).hasSize(64).isNotEqualTo(new KeyRing(new byte[] {
            1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
                .lookupHash(IdentityKind.EMAIL, "sealed@example.com"));
        assertThat(register.findSubject(IdentityKind.EMAIL, "sealed@example.com")).isPresent();
    }

    @Test
    void a_batch_that_names_one_new_person_twice_creates_one_subject() {
        List<RecordOutcome> outcomes = register.record(List.of(
                consent("twice@example.com", ConsentStatus.GRANTED, "2026-01-01T00:00:00Z"),
                consent("twice@example.com", ConsentStatus.WITHDRAWN, "2026-02-01T00:00:00Z")));
        Set<String> subjects = outcomes.stream().map(o -> ((RecordOutcome.Recorded) o).subjectId())
                .collect(Collectors.toSet());
        assertThat(subjects).hasSize(1);
        assertThat(register.currentConsents(subjects.iterator().next()).orElseThrow()).singleElement()
                .extracting(ConsentState::status).isEqualTo(ConsentStatus.WITHDRAWN);
    }

    @Test
    void concurrent_first_events_of_one_person_converge_on_one_subject() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(() -> ((RecordOutcome.Recorded) register.record(List.of(
                        consent("race@example.com", ConsentStatus.GRANTED, "2026-01-01T00:00:00Z"))).get(0)).subjectId());
            }
            Set<String> subjects = new java.util.HashSet<>();
            for (Future<String> f : pool.invokeAll(calls)) {
                subjects.add(f.get());
            }
            assertThat(subjects).hasSize(1);
            assertThat(register.history(subjects.iterator().next()).orElseThrow()).hasSize(12);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void an_unknown_subject_has_no_history() {
        assertThat(register.history("00000000-0000-4000-8000-000000000000")).isEmpty();
        assertThat(register.currentConsents("00000000-0000-4000-8000-000000000000")).isEmpty();
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
