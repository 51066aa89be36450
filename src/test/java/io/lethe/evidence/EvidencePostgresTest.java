package io.lethe.evidence;

import io.lethe.support.TestDatabase;

/** Evidence bundles and receipts on a real PostgreSQL register. */
class EvidencePostgresTest extends EvidenceTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
