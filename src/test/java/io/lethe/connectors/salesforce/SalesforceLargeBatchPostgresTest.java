package io.lethe.connectors.salesforce;

import io.lethe.support.TestDatabase;

class SalesforceLargeBatchPostgresTest extends SalesforceLargeBatchTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
