package io.lethe.retention;

import io.lethe.support.TestDatabase;

/** Retention and legal holds on the embedded H2 register. */
class RetentionH2Test extends RetentionTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
