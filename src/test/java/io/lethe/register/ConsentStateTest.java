package io.lethe.register;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Database;
import io.lethe.db.Transactions;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Event ordering (effective time), sealed free-text sources and the maintained current state with paged history
 * (security issue items 7, 8, 16). Runs on H2 and on PostgreSQL (see subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsentStateTest {

    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    TestDatabase database;
    HikariDataSource dataSource;
    KeyRing keys;
    MovableClock clock;
    List<List<ConsentListener.RecordedConsent>> heard;
    ConsentRegister register;

    abstract String databaseKind();

    @BeforeAll
    void openRegister() {
        database = TestDatabase.create(databaseKind());
        dataSource = Database.open(database.url(), database.user(), database.password(), 8);
        Database.migrate(dataSource);
        keys = new KeyRing(new byte[32]);
        clock = new MovableClock(T0);
        heard = new ArrayList<>();
        register = new ConsentRegister(dataSource, keys, clock, List.of((c, recorded) -> heard.add(recorded)));
    }

    @AfterAll
    void closeRegister() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    /** A person's address of realistic length, unique per test. */
    static String email(String tag) {
        return tag + ".mariana-fernandez-oliveira@subsidiary.example-holding.com";
    }

    static NewConsent consent(String email, String purpose, ConsentStatus status, Instant capturedAt, String source) {
        return new NewConsent(Map.of(IdentityKind.EMAIL, email), purpose, status, "consent", source, capturedAt,
                new Evidence("2026-01", "192.0.2.1", "Mozilla/5.0"));
    }

    String recordOne(NewConsent consent) {
        return ((RecordOutcome.Recorded) register.record(List.of(consent)).get(0)).subjectId();
    }

    ConsentState current(String subjectId, String purpose) {
        return register.currentConsents(subjectId).orElseThrow().stream().filter(s -> s.purpose().equals(purpose))
                .findFirst().orElseThrow();
    }

    // --- item 7: effective time = min(capturedAt, recordedAt) ---

    @Test
    void a_grant_dated_ahead_of_the_clock_does_not_hide_a_withdrawal_recorded_after_it() {
        String email = email("ahead");
        clock.set(T0);
        String subject = recordOne(consent(email, "email_marketing", ConsentStatus.GRANTED,
                T0.plus(Duration.ofMinutes(4)), "web-form"));
        clock.set(T0.plus(Duration.ofMinutes(1)));
        heard.clear();
        recordOne(consent(email, "email_marketing", ConsentStatus.WITHDRAWN, T0.plus(Duration.ofMinutes(1)),
                "preference-centre"));

        ConsentState state = current(subject, "email_marketing");
        assertThat(state.status()).isEqualTo(ConsentStatus.WITHDRAWN);
        assertThat(state.since()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
        assertThat(heard).singleElement().satisfies(r -> assertThat(r).singleElement()
                .extracting(ConsentListener.RecordedConsent::current).isEqualTo(true));
        // The reconciler reads the same state.
        assertThat(register.match(List.of(email), "email_marketing").get(email).status())
                .isEqualTo(ConsentStatus.WITHDRAWN);
        // History is in the same (effective) order: the grant counts from when it was recorded, before the withdrawal.
        assertThat(register.history(subject).orElseThrow()).extracting(ConsentEvent::status)
                .containsExactly(ConsentStatus.GRANTED, ConsentStatus.WITHDRAWN);
    }

    @Test
    void an_older_capture_imported_later_joins_the_history_without_becoming_current() {
        String email = email("import");
        clock.set(T0);
        String subject = recordOne(consent(email, "analytics", ConsentStatus.WITHDRAWN, T0.minus(Duration.ofDays(1)),
                "preference-centre"));
        heard.clear();
        recordOne(consent(email, "analytics", ConsentStatus.GRANTED, T0.minus(Duration.ofDays(30)), "csv-import"));

        assertThat(current(subject, "analytics").status()).isEqualTo(ConsentStatus.WITHDRAWN);
        assertThat(heard).singleElement().satisfies(r -> assertThat(r).singleElement()
                .extracting(ConsentListener.RecordedConsent::current).isEqualTo(false));
        assertThat(register.history(subject).orElseThrow()).extracting(ConsentEvent::status)
                .containsExactly(ConsentStatus.GRANTED, ConsentStatus.WITHDRAWN);
    }

    @Test
    void of_two_events_with_the_same_effective_time_the_one_recorded_later_is_current() {
        String email = email("tie");
        clock.set(T0);
        Instant at = T0.minus(Duration.ofHours(2));
        String subject = recordOne(consent(email, "profiling", ConsentStatus.GRANTED, at, "web-form"));
        recordOne(consent(email, "profiling", ConsentStatus.DENIED, at, "web-form"));
        assertThat(current(subject, "profiling").status()).isEqualTo(ConsentStatus.DENIED);
        // Within one batch too, the later item wins the tie.
        List<RecordOutcome> batch = register.record(List.of(
                consent(email, "profiling", ConsentStatus.GRANTED, at.plusSeconds(60), "web-form"),
                consent(email, "profiling", ConsentStatus.WITHDRAWN, at.plusSeconds(60), "web-form")));
        assertThat(batch).hasSize(2);
        assertThat(current(subject, "profiling").status()).isEqualTo(ConsentStatus.WITHDRAWN);
    }

    // --- item 8: free-text source sealed with the subject's key, gone on shred ---

    @Test
    void a_free_text_source_is_sealed_at_rest_shown_opened_and_gone_after_crypto_shred() throws Exception {
        String email = email("source");
        String freeText = "signup form typed by " + email;
        clock.set(T0);
        String subject = recordOne(consent(email, "sms_marketing", ConsentStatus.GRANTED, T0, freeText));
        String eventId = register.history(subject).orElseThrow().get(0).eventId();
        // The hub's own source (as the API's default api:<key name>) stays readable.
        register.record(List.of(new NewConsent(Map.of(IdentityKind.EMAIL, email), "analytics", ConsentStatus.GRANTED,
                "consent", "api:intake", T0, Evidence.NONE, false)));

        assertThat(current(subject, "sms_marketing").source()).isEqualTo(freeText);
        assertThat(register.history(subject).orElseThrow()).extracting(ConsentEvent::source)
                .containsExactlyInAnyOrder(freeText, "api:intake");
        assertThat(clearText("consent_event", subject)).doesNotContain(email).contains("api:intake");
        assertThat(clearText("consent_state", subject)).doesNotContain(email).contains("api:intake");

        Transactions.inTransaction(dataSource, c -> register.shred(c, subject, "00000000-0000-4000-8000-0000000000e1"));

        assertThat(current(subject, "sms_marketing").source()).isNull();
        assertThat(current(subject, "analytics").source()).isEqualTo("api:intake");
        assertThat(register.history(subject).orElseThrow()).filteredOn(e -> e.eventId().equals(eventId))
                .singleElement().satisfies(e -> {
                    assertThat(e.source()).isNull();
                    assertThat(e.evidenceErased()).isTrue();
                });
        assertThat(queryBytes("select sealed_source from consent_state where subject_id = '" + subject
                + "' and purpose = 'sms_marketing'")).isNull();
    }

    @Test
    void the_guard_still_refuses_every_change_but_blanking_an_old_clear_source() throws Exception {
        clock.set(T0);
        String subject = recordOne(consent(email("guard"), "email_marketing", ConsentStatus.GRANTED, T0, "web-form"));
        String eventId = register.history(subject).orElseThrow().get(0).eventId();
        for (String sql : new String[] {
            "update consent_event set status = 'withdrawn' where id = '" + eventId + "'",
            "update consent_event set sealed_source = null where id = '" + eventId + "'",
            "update consent_event set effective_at = captured_at + interval '1' day where id = '" + eventId + "'",
            "update consent_event set source = 'forged', sealed_source = null where id = '" + eventId + "'",
            "delete from consent_event where id = '" + eventId + "'"}) {
            assertThatThrownBy(() -> execute(sql)).as(sql).isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
        assertThat(register.history(subject).orElseThrow()).singleElement()
                .extracting(ConsentEvent::status, ConsentEvent::source).containsExactly(ConsentStatus.GRANTED, "web-form");
    }

    // --- item 16: current state table in the same transaction, paged history ---

    @Test
    void the_state_table_commits_or_rolls_back_with_the_events() {
        ConsentRegister failing = new ConsentRegister(dataSource, keys, clock, List.of((c, recorded) -> {
            throw new SQLException("outbox unavailable");
        }));
        long events = database.count("consent_event");
        long states = database.count("consent_state");
        assertThatThrownBy(() -> failing.record(List.of(consent(email("rollback"), "analytics", ConsentStatus.GRANTED,
                T0, "web-form")))).isInstanceOf(RegisterException.class);
        assertThat(database.count("consent_event")).isEqualTo(events);
        assertThat(database.count("consent_state")).isEqualTo(states);
    }

    @Test
    void a_history_of_thousands_of_events_pages_in_effective_order_and_ends_with_the_current_state() {
        String email = email("long-history");
        String[] purposes = {"email_marketing", "sms_marketing", "analytics", "profiling", "third_party_sharing"};
        ConsentStatus[] statuses = ConsentStatus.values();
        clock.set(T0);
        int total = 3000;
        for (int from = 0; from < total; from += 1000) {
            List<NewConsent> batch = new ArrayList<>();
            for (int i = from; i < from + 1000; i++) {
                // capture times jump back and forth, as imports and live events interleave; some are dated ahead
                Instant at = T0.minus(Duration.ofMinutes((i * 7919L) % 100_000)).plusSeconds(i % 13 == 0 ? 200 : 0);
                batch.add(consent(email, purposes[i % purposes.length], statuses[(i / 5) % statuses.length], at,
                        "import batch " + (i / 1000)));
            }
            clock.set(clock.instant().plusSeconds(1));
            register.record(batch);
        }
        String subject = register.findSubject(IdentityKind.EMAIL, email).orElseThrow();

        List<ConsentEvent> all = new ArrayList<>();
        Long after = null;
        int pages = 0;
        do {
            HistoryPage page = register.history(subject, after, 700).orElseThrow();
            assertThat(page.events().size()).isLessThanOrEqualTo(700);
            all.addAll(page.events());
            after = page.nextAfter();
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(5);
        assertThat(all).hasSize(total);
        assertThat(new HashSet<>(all.stream().map(ConsentEvent::eventId).toList())).hasSize(total);
        for (int i = 1; i < all.size(); i++) {
            assertThat(effective(all.get(i))).as("event %d", i).isAfterOrEqualTo(effective(all.get(i - 1)));
        }
        assertThat(register.history(subject).orElseThrow()).extracting(ConsentEvent::eventId)
                .containsExactlyElementsOf(all.stream().map(ConsentEvent::eventId).toList());

        Map<String, ConsentEvent> lastPerPurpose = new LinkedHashMap<>();
        all.forEach(e -> lastPerPurpose.put(e.purpose(), e));
        List<ConsentState> states = register.currentConsents(subject).orElseThrow();
        assertThat(states).hasSize(purposes.length);
        for (ConsentState s : states) {
            ConsentEvent last = lastPerPurpose.get(s.purpose());
            assertThat(s.status()).as(s.purpose()).isEqualTo(last.status());
            assertThat(s.since()).as(s.purpose()).isEqualTo(effective(last));
            assertThat(s.source()).isEqualTo(last.source());
        }
    }

    @Test
    void a_history_cursor_of_another_subject_is_refused() {
        clock.set(T0);
        String one = recordOne(consent(email("cursor-one"), "analytics", ConsentStatus.GRANTED, T0, "web-form"));
        String two = recordOne(consent(email("cursor-two"), "analytics", ConsentStatus.GRANTED, T0, "web-form"));
        register.record(List.of(consent(email("cursor-two"), "profiling", ConsentStatus.GRANTED, T0, "web-form")));
        HistoryPage first = register.history(two, null, 1).orElseThrow();
        assertThat(first.nextAfter()).isNotNull();
        assertThat(register.history(two, first.nextAfter(), 1).orElseThrow().nextAfter()).isNull();
        assertThatThrownBy(() -> register.history(one, first.nextAfter(), 10))
                .isInstanceOf(UnknownHistoryCursorException.class);
    }

    static Instant effective(ConsentEvent e) {
        return e.capturedAt().isBefore(e.recordedAt()) ? e.capturedAt() : e.recordedAt();
    }

    /** Every text and byte column of a subject's rows, read as Latin-1, for a clear-text search. */
    String clearText(String table, String subjectId) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select * from " + table + " where subject_id = '" + subjectId + "'")) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    Object v = rs.getObject(i);
                    all.append(v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(v))
                            .append('|');
                }
            }
        }
        return all.toString();
    }

    byte[] queryBytes(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getBytes(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A clock the test moves, so "recorded at" is known. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
