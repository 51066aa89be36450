package io.lethe.dispatch;

import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Disabled;

@Disabled("Needs the connector engine on main (ConnectorEngine with route templates) and the ENGINE-NEEDS keys of"
        + " connectors/proposed/webhook.yaml (targets, results by commandId, accepted 202 -> awaiting_callback,"
        + " identity any); the old validator refuses that file")
class WebhookConnectorPostgresTest extends WebhookConnectorTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
