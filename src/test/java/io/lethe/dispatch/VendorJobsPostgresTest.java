package io.lethe.dispatch;

import io.lethe.support.TestDatabase;

/** Job tracking and quotas on PostgreSQL. */
class VendorJobsPostgresTest extends VendorJobsTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
