package io.lethe.api;

import io.lethe.support.TestDatabase;

/** Ordering, sealed sources and paged history through the API, on PostgreSQL. */
class ConsentHistoryApiPostgresTest extends ConsentHistoryApiTest {

    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
