package io.lethe.dispatch;

import io.lethe.support.TestDatabase;

/** Propagation on a real PostgreSQL register. */
class OptOutPropagationPostgresTest extends OptOutPropagationTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
