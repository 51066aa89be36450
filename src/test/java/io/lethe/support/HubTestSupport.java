package io.lethe.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import io.lethe.api.ApiKeys;
import io.lethe.config.HubConfiguration;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Starts the whole hub the way {@code java -jar} does (same properties file, same routes, same configuration class)
 * on a free port, with a fresh data directory, one API key per role, and the register of {@link #databaseKind()}.
 * One hub per test class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HubTestSupport extends CamelMainTestSupport {

    public static final String ADMIN_KEY = "test-admin-key";
    public static final String INTAKE_KEY = "test-intake-key";
    public static final String MARKETER_KEY = "test-marketer-key";
    public static final String COMPLIANCE_KEY = "test-compliance-key";

    protected TestDatabase database;
    protected int port;
    protected Path dataDir;
    protected ApiClient api;

    /** {@link TestDatabase#H2} or {@link TestDatabase#POSTGRES}. */
    protected abstract String databaseKind();

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:config/application.properties";
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(HubConfiguration.class);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        database = TestDatabase.create(databaseKind());
        port = freePort();
        api = new ApiClient(port);
        try {
            dataDir = Files.createTempDirectory("lethe-data-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Properties p = new Properties();
        p.put("lethe.http.port", String.valueOf(port));
        p.put("lethe.data-dir", dataDir.toString());
        p.put("lethe.db.url", database.url());
        p.put("lethe.db.user", database.user());
        p.put("lethe.db.password", database.password());
        p.put("lethe.api-keys", String.join(",",
                "admin:admin:" + ApiKeys.sha256Hex(ADMIN_KEY),
                "intake:intake:" + ApiKeys.sha256Hex(INTAKE_KEY),
                "marketer:marketer:" + ApiKeys.sha256Hex(MARKETER_KEY),
                "compliance:compliance:" + ApiKeys.sha256Hex(COMPLIANCE_KEY)));
        // tests see a request's commands leave at once; a test of the request window sets its own
        p.put("lethe.dispatch.request-window", "0s");
        p.put("lethe.dispatch.request-quiet", "0s");
        p.putAll(extraProperties());
        return p;
    }

    /**
     * Stops this class's hub once its tests are done (after the subclass's own clean-up). Left running, every hub's
     * timers (dispatch, mail queue, mailbox) kept polling until the JVM ended and slowed the classes after it.
     */
    @AfterAll
    void stopHub() {
        if (context != null) {
            context.stop();
        }
    }

    /** More settings for one test class. */
    protected Properties extraProperties() {
        return new Properties();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
