package io.lethe.dispatch;

import io.lethe.support.TestDatabase;

/** Propagation on the embedded H2 register. */
class OptOutPropagationH2Test extends OptOutPropagationTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
