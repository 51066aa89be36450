package io.lethe.reconcile;

import io.lethe.support.TestDatabase;

/** Reconciliation on the embedded H2 register. */
class ReconcileH2Test extends ReconcileTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
