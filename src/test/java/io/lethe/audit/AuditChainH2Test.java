package io.lethe.audit;

import io.lethe.support.TestDatabase;

/** The keyed chain and checkpoints on the embedded H2 register. */
class AuditChainH2Test extends AuditChainTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
