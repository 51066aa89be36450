package io.lethe.register;

import io.lethe.support.TestDatabase;

/** Master key rotation on the embedded H2 register. */
class KeyRotationH2Test extends KeyRotationTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
