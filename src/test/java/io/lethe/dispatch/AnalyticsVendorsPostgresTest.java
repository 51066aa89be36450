package io.lethe.dispatch;

import io.lethe.support.TestDatabase;

/** The analytics vendors end to end on PostgreSQL. */
class AnalyticsVendorsPostgresTest extends AnalyticsVendorsTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
