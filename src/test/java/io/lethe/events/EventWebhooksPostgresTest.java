package io.lethe.events;

import io.lethe.support.TestDatabase;

class EventWebhooksPostgresTest extends EventWebhooksTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
