package io.lethe.requests;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import javax.sql.DataSource;

import io.lethe.db.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request timers: unconfirmed requests close once their link expired, the DPO is reminded before a due date and
 * told once of each overdue request, and vendors asked by e-mail are asked again while they stay silent.
 */
final class RequestSweep {

    private static final Logger LOG = LoggerFactory.getLogger(RequestSweep.class);

    private final DataSource dataSource;
    private final RequestStore store;
    private final RequestLinks links;
    private final RequestNotices notices;
    private final Clock clock;
    private Duration reminderLead = Duration.ofDays(7);

    RequestSweep(DataSource dataSource, RequestStore store, RequestLinks links, RequestNotices notices, Clock clock) {
        this.dataSource = dataSource;
        this.store = store;
        this.links = links;
        this.notices = notices;
        this.clock = clock;
    }

    void setReminderLead(Duration lead) {
        this.reminderLead = lead;
    }

    /** Returns the number of requests newly found overdue. */
    int sweep() {
        closeExpiredUnverified();
        Instant now = clock.instant();
        // Each notice is queued in the transaction that marks it as given: never marked and lost, never sent twice.
        Sql.transaction(dataSource, "reminding the DPO", c -> {
            for (String id : store.takeDue(c, "reminded_at", now.plus(reminderLead), now)) {
                notices.dpoAbout(c, store.find(c, id).orElseThrow(), "dpo-reminder");
            }
            return null;
        });
        List<String> overdue = Sql.transaction(dataSource, "telling the DPO of overdue requests", c -> {
            List<String> ids = store.takeDue(c, "overdue_notified_at", now, now);
            for (String id : ids) {
                notices.dpoAbout(c, store.find(c, id).orElseThrow(), "dpo-overdue");
            }
            return ids;
        });
        if (!overdue.isEmpty()) {
            LOG.warn("{} data-subject request(s) are overdue: {}", overdue.size(), String.join(", ", overdue));
        }
        return overdue.size();
    }

    int closeExpiredUnverified() {
        Instant now = clock.instant();
        return Sql.transaction(dataSource, "closing expired requests", c -> {
            List<String> ids = store.expiredUnverified(c, now);
            for (String id : ids) {
                store.setStatus(c, id, RequestStatus.CANCELLED, now);
                links.forgetContact(c, id);
                DataSubjectRequest r = store.find(c, id).orElseThrow();
                for (DataSubjectRequest.VendorProgress v : r.vendors()) {
                    store.setVendor(c, id, v.vendor(), "skipped", "identity not confirmed in time", now);
                }
            }
            return ids.size();
        });
    }

    int remindSilentVendors(Duration after, BiConsumer<String, Map<String, String>> remind) {
        Instant now = clock.instant();
        List<String[]> silent = Sql.transaction(dataSource, "finding silent vendors",
                c -> store.silentVendors(c, now.minus(after), now));
        for (String[] s : silent) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("ref", s[0] + "/" + s[1]);
            values.put("action", switch (s[2]) { // "our erasure request", not "our erase request"
                case "erase" -> "erasure";
                case "export" -> "access";
                case "rectify" -> "rectification";
                case "opt_out" -> "opt-out";
                default -> s[2];
            });
            values.put("sentAt", s[3]);
            remind.accept(s[1], values);
        }
        return silent.size();
    }
}
