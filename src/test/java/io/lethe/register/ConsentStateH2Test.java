package io.lethe.register;

import io.lethe.support.TestDatabase;

/** Ordering, sealed sources and the current state on the embedded H2 database. */
class ConsentStateH2Test extends ConsentStateTest {
    @Override
    String databaseKind() {
        return TestDatabase.H2;
    }
}
