package io.lethe.audit;

import io.lethe.support.TestDatabase;

/** The keyed chain and checkpoints on the PostgreSQL register. */
class AuditChainPostgresTest extends AuditChainTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
