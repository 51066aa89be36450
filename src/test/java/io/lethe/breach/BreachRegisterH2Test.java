package io.lethe.breach;

import io.lethe.support.TestDatabase;

class BreachRegisterH2Test extends BreachRegisterTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
