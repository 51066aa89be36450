package io.lethe.connectors.marketing;

import io.lethe.support.TestDatabase;

/** The marketing connectors end to end on a PostgreSQL register. */
class MarketingConnectorsPostgresTest extends MarketingConnectorsTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
