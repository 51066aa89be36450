package io.lethe.connectors.marketing;

import io.lethe.support.TestDatabase;

/** Klaviyo's later read-backs in bulk on a PostgreSQL register. */
class KlaviyoLaterReadBackPostgresTest extends KlaviyoLaterReadBackTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
