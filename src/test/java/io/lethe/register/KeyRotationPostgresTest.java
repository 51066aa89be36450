package io.lethe.register;

import io.lethe.support.TestDatabase;

/** Master key rotation on the PostgreSQL register. */
class KeyRotationPostgresTest extends KeyRotationTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
