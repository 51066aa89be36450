package io.lethe.connectors.marketing;

import io.lethe.support.TestDatabase;

/** Klaviyo's later read-backs in bulk on an H2 register. */
class KlaviyoLaterReadBackH2Test extends KlaviyoLaterReadBackTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
