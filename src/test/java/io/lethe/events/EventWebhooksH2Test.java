package io.lethe.events;

import io.lethe.support.TestDatabase;

class EventWebhooksH2Test extends EventWebhooksTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
