package io.lethe.connectors.marketing;

import io.lethe.support.TestDatabase;
import org.junit.jupiter.api.Disabled;

/** The marketing connectors end to end on a PostgreSQL register. */
@Disabled("needs the connector engine (ConnectorEngine, route templates), not on main yet; also the ENGINE-NEEDS "
        + "features of connectors/proposed/*.yaml and the files moved to connectors/")
class MarketingConnectorsPostgresTest extends MarketingConnectorsTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
