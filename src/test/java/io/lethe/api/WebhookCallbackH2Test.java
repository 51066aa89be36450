package io.lethe.api;

import io.lethe.support.TestDatabase;

class WebhookCallbackH2Test extends WebhookCallbackTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
