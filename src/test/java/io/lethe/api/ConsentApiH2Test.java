package io.lethe.api;

import io.lethe.support.TestDatabase;

/** The consent API on the embedded H2 register. */
class ConsentApiH2Test extends ConsentApiTest {

    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
