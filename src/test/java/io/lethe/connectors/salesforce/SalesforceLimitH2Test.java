package io.lethe.connectors.salesforce;

import io.lethe.support.TestDatabase;

class SalesforceLimitH2Test extends SalesforceLimitTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
