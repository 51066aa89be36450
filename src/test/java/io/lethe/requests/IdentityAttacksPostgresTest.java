package io.lethe.requests;

import io.lethe.support.TestDatabase;

/** The identity attacks on the Postgres register. */
class IdentityAttacksPostgresTest extends IdentityAttacksTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
