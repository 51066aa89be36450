package io.lethe.review;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.lethe.db.Sql;

/**
 * Each vendor's backlog (commands written but not finished) over time, computed from the outbox's own history rather
 * than sampled by a timer: outbox rows are never deleted, a command counts from its {@code created_at} until it
 * finishes, and a finished command's {@code updated_at} is its finish (nothing updates it after). So the backlog at
 * t = commands created by t that are still unfinished or finished after t. One grouped count per point.
 */
public final class BacklogHistory {

    private final DataSource dataSource;
    private final Clock clock;

    public BacklogHistory(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Points in time, oldest first, and per vendor the backlog at each (vendors with none at all are left out). */
    public record Series(List<Instant> at, Map<String, List<Long>> backlog) {

        public long max() {
            return backlog.values().stream().flatMap(List::stream).mapToLong(Long::longValue).max().orElse(0);
        }
    }

    /** {@code points} evenly spaced points over the {@code window} that ends now. */
    public Series last(Duration window, int points) {
        Instant end = clock.instant();
        Duration step = window.dividedBy(Math.max(1, points - 1));
        List<Instant> at = new ArrayList<>();
        for (int i = points - 1; i >= 0; i--) {
            at.add(end.minus(step.multipliedBy(i)));
        }
        return at(at);
    }

    Series at(List<Instant> at) {
        return Sql.transaction(dataSource, "reading the backlog history", c -> {
            Map<String, List<Long>> backlog = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("select connector, count(*) from outbox_command"
                    + " where created_at <= ? and (status in ('pending', 'in_flight', 'awaiting_callback')"
                    + " or updated_at > ?) group by connector")) {
                for (int i = 0; i < at.size(); i++) {
                    ps.setObject(1, at.get(i).atOffset(ZoneOffset.UTC));
                    ps.setObject(2, at.get(i).atOffset(ZoneOffset.UTC));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            List<Long> series = backlog.computeIfAbsent(rs.getString(1), k -> zeros(at.size()));
                            series.set(i, rs.getLong(2));
                        }
                    }
                }
            }
            Map<String, List<Long>> frozen = new TreeMap<>();
            backlog.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
            return new Series(List.copyOf(at), frozen);
        });
    }

    private static List<Long> zeros(int n) {
        List<Long> z = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            z.add(0L);
        }
        return z;
    }
}
