package io.lethe.connectors.marketing;

import io.lethe.support.TestDatabase;

/** The marketing connectors end to end on an H2 register. */
class MarketingConnectorsH2Test extends MarketingConnectorsTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
