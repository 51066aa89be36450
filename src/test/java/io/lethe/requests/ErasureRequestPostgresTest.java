package io.lethe.requests;

import io.lethe.support.TestDatabase;

/** Erasure requests on a real PostgreSQL register. */
class ErasureRequestPostgresTest extends ErasureRequestTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
