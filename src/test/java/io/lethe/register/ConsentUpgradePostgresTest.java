package io.lethe.register;

import io.lethe.support.TestDatabase;

/** The V10 upgrade of an old register on a real PostgreSQL server. */
class ConsentUpgradePostgresTest extends ConsentUpgradeTest {
    @Override
    String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
