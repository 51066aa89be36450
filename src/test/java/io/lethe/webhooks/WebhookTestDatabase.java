package io.lethe.webhooks;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Database;
import io.lethe.support.TestDatabase;

/** A migrated H2 register of its own for the webhook unit tests (no hub). */
final class WebhookTestDatabase {

    private WebhookTestDatabase() {
    }

    static HikariDataSource open() {
        TestDatabase db = TestDatabase.h2();
        HikariDataSource ds = Database.open(db.url(), db.user(), db.password(), 4);
        Database.migrate(ds);
        return ds;
    }
}
