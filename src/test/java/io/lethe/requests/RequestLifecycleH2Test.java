package io.lethe.requests;

import io.lethe.support.TestDatabase;

/** The request life cycle after dispatch on the H2 register. */
class RequestLifecycleH2Test extends RequestLifecycleTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
