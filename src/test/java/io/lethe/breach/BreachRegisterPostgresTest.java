package io.lethe.breach;

import io.lethe.support.TestDatabase;

class BreachRegisterPostgresTest extends BreachRegisterTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
