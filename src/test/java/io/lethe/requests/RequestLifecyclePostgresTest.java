package io.lethe.requests;

import io.lethe.support.TestDatabase;

/** The request life cycle after dispatch on the Postgres register. */
class RequestLifecyclePostgresTest extends RequestLifecycleTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
