package io.lethe.requests;

import io.lethe.support.TestDatabase;

/** The identity attacks on the H2 register. */
class IdentityAttacksH2Test extends IdentityAttacksTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
