package io.lethe.api;

import io.lethe.support.TestDatabase;

/** Idempotency keys on the embedded H2 register. */
class IdempotencyH2Test extends IdempotencyTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
