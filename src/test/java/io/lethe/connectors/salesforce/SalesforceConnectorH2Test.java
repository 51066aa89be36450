package io.lethe.connectors.salesforce;

import io.lethe.support.TestDatabase;

class SalesforceConnectorH2Test extends SalesforceConnectorTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
