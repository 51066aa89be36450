package io.lethe.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

/** The register's connection pool, migrated to the current schema before anything uses it. */
public final class Database {

    private Database() {
    }

    public static HikariDataSource open(String url, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("register");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setAutoCommit(true);
        // Connect on first use, not in the constructor: start-up migrates on a background thread.
        config.setInitializationFailTimeout(-1);
        if (isPostgres(url)) {
            // One multi-row INSERT per JDBC batch instead of one round trip per row.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        return new HikariDataSource(config);
    }

    /** Applies the migrations in {@code db/migration/common} plus those of the database's own dialect. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect(dataSource))
                .load()
                .migrate();
    }

    /** The folder of dialect-specific migrations: {@code h2} or {@code postgresql}. */
    static String dialect(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return "postgresql";
            }
            if (product.contains("h2")) {
                return "h2";
            }
            throw new IllegalArgumentException("The register supports H2 and PostgreSQL, not " + product);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the register database", e);
        }
    }

    public static boolean isPostgres(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    /** Closes the pool when Camel stops, after the routes that use it. */
    public static final class Closer extends org.apache.camel.support.service.ServiceSupport {
        private final HikariDataSource dataSource;

        public Closer(HikariDataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        protected void doStop() {
            dataSource.close();
        }
    }
}
