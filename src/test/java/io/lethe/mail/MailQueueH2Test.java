package io.lethe.mail;

import io.lethe.support.TestDatabase;

/** The mail queue on the embedded H2 register. */
class MailQueueH2Test extends MailQueueTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.H2;
    }
}
