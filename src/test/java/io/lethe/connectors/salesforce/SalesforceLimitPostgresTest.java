package io.lethe.connectors.salesforce;

import io.lethe.support.TestDatabase;

class SalesforceLimitPostgresTest extends SalesforceLimitTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
