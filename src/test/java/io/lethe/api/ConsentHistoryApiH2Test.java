package io.lethe.api;

import io.lethe.support.TestDatabase;

/** Ordering, sealed sources and paged history through the API, on the embedded H2 register. */
class ConsentHistoryApiH2Test extends ConsentHistoryApiTest {

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
