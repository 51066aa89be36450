package io.lethe.dispatch;

import io.lethe.support.TestDatabase;

class WebhookConnectorPostgresTest extends WebhookConnectorTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
