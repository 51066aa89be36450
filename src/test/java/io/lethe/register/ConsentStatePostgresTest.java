package io.lethe.register;

import io.lethe.support.TestDatabase;

/** Ordering, sealed sources and the current state on a real PostgreSQL server. */
class ConsentStatePostgresTest extends ConsentStateTest {
    @Override
    String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
