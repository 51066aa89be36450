package io.lethe.register;

import io.lethe.support.TestDatabase;

/** The register on the embedded H2 database. */
class ConsentRegisterH2Test extends ConsentRegisterTest {
    @Override
    String databaseKind() {
        return TestDatabase.H2;
    }
}
