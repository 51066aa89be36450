package io.lethe.db;

import java.sql.Connection;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Readiness: the hub is only useful while the register answers. */
public class RegisterHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;

    public RegisterHealthCheck(DataSource dataSource) {
        super("lethe", "register");
        this.dataSource = dataSource;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.isValid(2)) {
                builder.up();
            } else {
                builder.down().message("register database does not answer");
            }
        } catch (Exception e) {
            builder.down().message("register database is unreachable").error(e);
        }
    }
}
