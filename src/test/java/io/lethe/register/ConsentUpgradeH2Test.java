package io.lethe.register;

import io.lethe.support.TestDatabase;

/** The V10 upgrade of an old register on the embedded H2 database. */
class ConsentUpgradeH2Test extends ConsentUpgradeTest {
    @Override
    String databaseKind() {
        return TestDatabase.H2;
    }
}
