package io.lethe.breach;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Told of a newly recorded breach inside the recording transaction (an event feed, a ticket): a failure rolls the
 * recording back, so what listens sees exactly the breaches that exist. The hub's wiring registers one: the
 * {@code breach.recorded} event (io.lethe.events, README "Events and webhooks").
 */
public interface BreachListener {

    void onRecorded(Connection connection, Breach breach) throws SQLException;
}
