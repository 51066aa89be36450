package io.lethe.api;

import io.lethe.support.TestDatabase;

class WebhookCallbackPostgresTest extends WebhookCallbackTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
