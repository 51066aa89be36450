package io.lethe.api;

import io.lethe.support.TestDatabase;

/** The consent API on a real PostgreSQL register. */
class ConsentApiPostgresTest extends ConsentApiTest {

    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
