package io.lethe.connectors.salesforce;

import io.lethe.support.TestDatabase;

class SalesforceConnectorPostgresTest extends SalesforceConnectorTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
