package io.lethe.review;

import io.lethe.support.TestDatabase;

/** The console's read models on the embedded H2 register. */
class ReviewReadModelsH2Test extends ReviewReadModelsTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
