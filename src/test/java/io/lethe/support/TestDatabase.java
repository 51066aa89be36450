package io.lethe.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * The two registers every register test runs on: an H2 file database (the embedded default) and a real PostgreSQL
 * server. The PostgreSQL server comes from {@code LETHE_TEST_PG_URL} (a JDBC URL with user and password), which
 * {@code .ci/run} starts and sets; each test class gets its own schema there, so classes never see each other's rows.
 * Without that variable PostgreSQL tests are skipped, unless {@code LETHE_TEST_PG_REQUIRED=true} (set by CI) makes
 * the absence a failure.
 */
public record TestDatabase(String kind, String url, String user, String password, Path h2File) {

    public static final String H2 = "h2";
    public static final String POSTGRES = "postgres";

    public static TestDatabase create(String kind) {
        return kind.equals(H2) ? h2() : postgres();
    }

    public static TestDatabase h2() {
        try {
            Path dir = Files.createTempDirectory("lethe-h2-");
            Path file = dir.resolve("lethe");
            String url = "jdbc:h2:file:" + file + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
            return new TestDatabase(H2, url, "lethe", "", dir.resolve("lethe.mv.db"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestDatabase postgres() {
        String base = System.getenv("LETHE_TEST_PG_URL");
        if (base == null || base.isBlank()) {
            if (Boolean.parseBoolean(System.getenv("LETHE_TEST_PG_REQUIRED"))) {
                throw new IllegalStateException("LETHE_TEST_PG_REQUIRED is set but LETHE_TEST_PG_URL is not");
            }
            Assumptions.abort("PostgreSQL tests need LETHE_TEST_PG_URL (see .ci/postgres.sh)");
        }
        String user = System.getenv().getOrDefault("LETHE_TEST_PG_USER", "lethe");
        String password = System.getenv().getOrDefault("LETHE_TEST_PG_PASSWORD", "lethe");
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(base, user, password); Statement s = c.createStatement()) {
            s.execute("create schema " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the test PostgreSQL server at " + base, e);
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new TestDatabase(POSTGRES, url, user, password, null);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Count of rows in a table: tests use it to prove a refused request stored nothing. */
    public long count(String table) {
        try (Connection c = connect(); Statement s = c.createStatement();
                var rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
