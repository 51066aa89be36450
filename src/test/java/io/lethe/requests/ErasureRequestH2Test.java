package io.lethe.requests;

import io.lethe.support.TestDatabase;

/** Erasure requests on the embedded H2 register. */
class ErasureRequestH2Test extends ErasureRequestTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
