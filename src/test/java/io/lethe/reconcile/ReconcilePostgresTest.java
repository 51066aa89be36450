package io.lethe.reconcile;

import io.lethe.support.TestDatabase;

/** Reconciliation on a real PostgreSQL register. */
class ReconcilePostgresTest extends ReconcileTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
