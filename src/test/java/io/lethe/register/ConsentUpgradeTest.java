package io.lethe.register;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Database;
import io.lethe.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A register written before V10 (clear-text sources, no state table) is upgraded: the state is backfilled in
 * effective order and the old sources are sealed at start, or blanked for subjects already erased.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsentUpgradeTest {

    static final Instant T = Instant.parse("2026-06-01T08:00:00Z");
    static final String ANN = "ann-katharina.oberholzer-van-der-merwe@mail.example-cooperative.org";
    static final String BO = "bo-frederik.lindqvist-andersson@mail.example-cooperative.org";

    TestDatabase database;
    HikariDataSource dataSource;
    KeyRing keys = new KeyRing(new byte[32]);
    String ann = UUID.randomUUID().toString();
    String bo = UUID.randomUUID().toString();
    String annWithdrawal = UUID.randomUUID().toString();

    abstract String databaseKind();

    @BeforeAll
    void writeAnOldRegisterAndUpgradeIt() throws SQLException {
        database = TestDatabase.create(databaseKind());
        dataSource = Database.open(database.url(), database.user(), database.password(), 4);
        Flyway.configure().dataSource(dataSource).target("8").locations("classpath:db/migration/common",
                "classpath:db/migration/" + (databaseKind().equals(TestDatabase.H2) ? "h2" : "postgresql")).load().migrate();
        try (Connection c = dataSource.getConnection()) {
            subject(c, ann, keys.newDataKey(ann).wrapped());
            subject(c, bo, null); // erased before the upgrade
            // Ann's grant was dated 4 minutes ahead; her withdrawal a minute later must still be her current state.
            event(c, UUID.randomUUID().toString(), ann, "granted", "signup typed by " + ANN, T.plusSeconds(240), T);
            event(c, annWithdrawal, ann, "withdrawn", "call centre, " + ANN, T.plusSeconds(60), T.plusSeconds(60));
            event(c, UUID.randomUUID().toString(), bo, "granted", "form of " + BO, T, T);
        }
        Database.migrate(dataSource);
    }

    @AfterAll
    void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }

    @Test
    void the_state_is_backfilled_in_effective_order_and_old_sources_are_sealed_once() throws SQLException {
        ConsentRegister register = new ConsentRegister(dataSource, keys, Clock.systemUTC());
        assertThat(register.currentConsents(ann).orElseThrow()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(ConsentStatus.WITHDRAWN);
            assertThat(s.since()).isEqualTo(T.plusSeconds(60));
        });
        assertThat(register.history(ann).orElseThrow()).extracting(ConsentEvent::status)
                .containsExactly(ConsentStatus.GRANTED, ConsentStatus.WITHDRAWN);

        LegacySourceSealer sealer = new LegacySourceSealer(dataSource, keys, Clock.systemUTC());
        assertThat(sealer.run()).isEqualTo(3);
        assertThat(sealer.run()).isZero();

        String atRest = clearText("consent_event") + clearText("consent_state");
        assertThat(atRest).doesNotContain(ANN).doesNotContain(BO);
        assertThat(register.history(ann).orElseThrow()).extracting(ConsentEvent::source)
                .containsExactly("signup typed by " + ANN, "call centre, " + ANN);
        assertThat(register.currentConsents(ann).orElseThrow().get(0).source()).isEqualTo("call centre, " + ANN);
        assertThat(register.history(bo).orElseThrow()).singleElement().extracting(ConsentEvent::source).isNull();
        assertThat(register.currentConsents(bo).orElseThrow()).singleElement()
                .extracting(ConsentState::status).isEqualTo(ConsentStatus.GRANTED);
    }

    private static void subject(Connection c, String id, byte[] wrappedKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into subject (id, data_key, created_at) values (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setBytes(2, wrappedKey);
            ps.setObject(3, T.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    private static void event(Connection c, String id, String subjectId, String status, String source, Instant captured,
            Instant recorded) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into consent_event (id, subject_id, purpose, status,"
                + " lawful_basis, source, captured_at, recorded_at) values (?, ?, 'email_marketing', ?, 'consent', ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, subjectId);
            ps.setString(3, status);
            ps.setString(4, source);
            ps.setObject(5, captured.atOffset(ZoneOffset.UTC));
            ps.setObject(6, recorded.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    private String clearText(String table) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select * from " + table)) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    all.append(v instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(v));
                }
            }
        }
        return all.toString();
    }
}
