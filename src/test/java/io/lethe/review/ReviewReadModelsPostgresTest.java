package io.lethe.review;

import io.lethe.support.TestDatabase;

/** The console's read models on a real PostgreSQL register. */
class ReviewReadModelsPostgresTest extends ReviewReadModelsTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
