package io.lethe.register;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The register on a real PostgreSQL server. */
class ConsentRegisterPostgresTest extends ConsentRegisterTest {
    @Override
    String databaseKind() {
        return TestDatabase.POSTGRES;
    }

    @Test
    void truncating_consent_history_is_refused_too() {
        assertThatThrownBy(() -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                s.execute("truncate consent_event cascade");
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
    }
}
