package io.lethe.dispatch;

import io.lethe.support.TestDatabase;

class WebhookConnectorH2Test extends WebhookConnectorTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
