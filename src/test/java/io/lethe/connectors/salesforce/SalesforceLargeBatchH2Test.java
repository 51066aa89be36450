package io.lethe.connectors.salesforce;

import io.lethe.support.TestDatabase;

class SalesforceLargeBatchH2Test extends SalesforceLargeBatchTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
