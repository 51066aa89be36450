package io.lethe.dispatch;

import io.lethe.support.TestDatabase;

/** Full analytics batches on PostgreSQL. */
class AnalyticsFullBatchesPostgresTest extends AnalyticsFullBatchesTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
