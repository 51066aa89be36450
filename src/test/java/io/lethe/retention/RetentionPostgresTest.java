package io.lethe.retention;

import io.lethe.support.TestDatabase;

/** Retention and legal holds on a real PostgreSQL register. */
class RetentionPostgresTest extends RetentionTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
