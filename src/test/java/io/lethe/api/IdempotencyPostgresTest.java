package io.lethe.api;

import io.lethe.support.TestDatabase;

/** Idempotency keys on a real PostgreSQL register. */
class IdempotencyPostgresTest extends IdempotencyTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
