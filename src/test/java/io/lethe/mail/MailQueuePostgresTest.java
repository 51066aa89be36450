package io.lethe.mail;

import io.lethe.support.TestDatabase;

/** The mail queue on a real PostgreSQL register. */
class MailQueuePostgresTest extends MailQueueTest {
    @Override
    protected String databaseKind() {
        return TestDatabase.POSTGRES;
    }
}
