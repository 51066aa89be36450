package io.lethe.evidence;

import io.lethe.support.TestDatabase;

/** Evidence bundles and receipts on the embedded H2 register. */
class EvidenceH2Test extends EvidenceTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
