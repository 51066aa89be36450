package io.lethe.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.lethe.db.Database;
import io.lethe.support.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules' selection on a migrated register (H2 and PostgreSQL), rows written as the hub writes them, dated by hand:
 * exactly the subjects whose time is up, never an erased one.
 */
class RetentionSelectionTest {

    static final Instant NOW = Instant.parse("2026-12-02T03:30:00Z");
    static final Instant OLD = Instant.parse("2023-05-01T10:00:00Z"); // over 3 years before NOW
    static final Instant RECENT = Instant.parse("2026-06-01T10:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {TestDatabase.H2, TestDatabase.POSTGRES})
    void each_rule_names_exactly_the_subjects_whose_time_is_up(String kind) throws Exception {
        TestDatabase db = TestDatabase.create(kind);
        try (HikariDataSource ds = Database.open(db.url(), db.user(), db.password(), 2)) {
            Database.migrate(ds);
            String withdrawnLongAgo;
            String grantedLongAgo;
            String withdrawnRecently;
            String neverConsentedOld;
            String neverConsentedNew;
            String erased;
            String analyticsOld;
            String analyticsRecent;
            String analyticsErasedSince;
            String pendingOnly;
            String importedToday;
            String openAccess;
            String recentRestriction;
            String oldRequestOnly;
            String retentionRecently;
            try (Connection c = ds.getConnection()) {
                withdrawnLongAgo = subject(c, OLD, true);
                event(c, withdrawnLongAgo, "analytics", "granted", OLD.minusSeconds(86_400 * 30));
                event(c, withdrawnLongAgo, "analytics", "withdrawn", OLD);
                state(c, withdrawnLongAgo, "analytics", "withdrawn", OLD);
                grantedLongAgo = subject(c, OLD, true); // still granted: the purpose is alive, whatever its age
                event(c, grantedLongAgo, "email_marketing", "granted", OLD);
                state(c, grantedLongAgo, "email_marketing", "granted", OLD);
                withdrawnRecently = subject(c, OLD, true);
                event(c, withdrawnRecently, "analytics", "denied", RECENT);
                state(c, withdrawnRecently, "analytics", "denied", RECENT);
                neverConsentedOld = subject(c, OLD, true); // seen in a vendor (reconcile) long ago, nothing since
                neverConsentedNew = subject(c, RECENT, true);
                erased = subject(c, OLD, false);
                event(c, erased, "analytics", "withdrawn", OLD);

                analyticsOld = subject(c, OLD, true);
                command(c, analyticsOld, "mixpanel", "opt_in", "done", OLD);
                command(c, analyticsOld, "hubspot", "opt_in", "done", RECENT); // another connector: does not count
                analyticsRecent = subject(c, OLD, true);
                command(c, analyticsRecent, "mixpanel", "opt_in", "done", OLD);
                command(c, analyticsRecent, "amplitude", "opt_out", "done", RECENT);
                analyticsErasedSince = subject(c, OLD, true);
                command(c, analyticsErasedSince, "mixpanel", "opt_in", "done", OLD);
                command(c, analyticsErasedSince, "mixpanel", "erase", "action_required", OLD.plusSeconds(3600));
                pendingOnly = subject(c, OLD, true); // never delivered: nothing of it is there
                command(c, pendingOnly, "mixpanel", "opt_in", "pending", OLD);

                // Activity the caller cannot back-date, and requests as activity.
                importedToday = subject(c, OLD, true); // a bulk import today of a 2023 withdrawal
                imported(c, importedToday, "analytics", "withdrawn", OLD, NOW.minusSeconds(3600));
                openAccess = subject(c, OLD, true);
                event(c, openAccess, "analytics", "withdrawn", OLD);
                request(c, openAccess, "access", "in_progress", OLD, "api-key");
                recentRestriction = subject(c, OLD, true);
                event(c, recentRestriction, "analytics", "withdrawn", OLD);
                request(c, recentRestriction, "restriction", "completed", RECENT, "api-key");
                oldRequestOnly = subject(c, OLD, true); // a request answered long ago: nothing since
                event(c, oldRequestOnly, "analytics", "withdrawn", OLD);
                request(c, oldRequestOnly, "access", "completed", OLD, "api-key");
                retentionRecently = subject(c, OLD, true); // retention's own scoped erasure is not the person's activity
                event(c, retentionRecently, "analytics", "withdrawn", OLD);
                request(c, retentionRecently, "erasure", "completed", RECENT, "retention:analytics");
                command(c, openAccess, "mixpanel", "opt_in", "done", OLD);
            }
            RetentionSelection selection = new RetentionSelection(ds);
            RetentionPolicy inactive = new RetentionPolicy("inactive", "d", true, RetentionPolicy.Kind.INACTIVE_SUBJECT,
                    Period.ofMonths(24), List.of(), null);
            List<Retention.Candidate> named = selection.select(inactive, NOW);
            // Subjects without any consent event count from their registration (here: long ago).
            assertThat(named).extracting(Retention.Candidate::subjectId).containsExactlyInAnyOrder(withdrawnLongAgo,
                    neverConsentedOld, analyticsOld, analyticsRecent, analyticsErasedSince, pendingOnly, oldRequestOnly,
                    retentionRecently).doesNotContain(importedToday, openAccess, recentRestriction)
                    .doesNotContain(grantedLongAgo, withdrawnRecently, neverConsentedNew, erased);
            assertThat(named).filteredOn(n -> n.subjectId().equals(withdrawnLongAgo)).singleElement()
                    .extracting(Retention.Candidate::lastActivity).isEqualTo(OLD);

            RetentionPolicy analytics = new RetentionPolicy("analytics", "d", true, RetentionPolicy.Kind.CONNECTOR_AGE,
                    Period.ofMonths(26), List.of("mixpanel", "amplitude"), null);
            assertThat(selection.select(analytics, NOW)).extracting(Retention.Candidate::subjectId)
                    .containsExactly(analyticsOld); // not openAccess: its open request is activity
        }
    }

    static String subject(Connection c, Instant created, boolean keyed) throws Exception {
        String id = UUID.randomUUID().toString();
        try (PreparedStatement ps = c.prepareStatement("insert into subject (id, data_key, created_at) values (?, ?, ?)")) {
            ps.setString(1, id);
            ps.setBytes(2, keyed ? new byte[] {1, 2, 3} : null);
            ps.setObject(3, utc(created));
            ps.executeUpdate();
        }
        return id;
    }

    static void event(Connection c, String subject, String purpose, String status, Instant at) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into consent_event (id, subject_id, purpose, status,"
                + " lawful_basis, source_ref, captured_at, recorded_at, effective_at) values (?, ?, ?, ?, 'consent',"
                + " 'api:test', ?, ?, ?)")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, subject);
            ps.setString(3, purpose);
            ps.setString(4, status);
            ps.setObject(5, utc(at));
            ps.setObject(6, utc(at));
            ps.setObject(7, utc(at));
            ps.executeUpdate();
        }
    }

    /** An event captured at {@code captured} (as the caller dates it) but recorded by the register at {@code recorded}. */
    static void imported(Connection c, String subject, String purpose, String status, Instant captured,
            Instant recorded) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into consent_event (id, subject_id, purpose, status,"
                + " lawful_basis, source_ref, captured_at, recorded_at, effective_at) values (?, ?, ?, ?, 'consent',"
                + " 'api:import', ?, ?, ?)")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, subject);
            ps.setString(3, purpose);
            ps.setString(4, status);
            ps.setObject(5, utc(captured));
            ps.setObject(6, utc(recorded));
            ps.setObject(7, utc(captured)); // least(captured, recorded), as the register writes it
            ps.executeUpdate();
        }
    }

    static void request(Connection c, String subject, String type, String status, Instant received, String filedBy)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into dsr (id, type, regulation, subject_id, status,"
                + " received_at, due_at, filed_by, updated_at) values (?, ?, 'gdpr', ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.setString(2, type);
            ps.setString(3, subject);
            ps.setString(4, status);
            ps.setObject(5, utc(received));
            ps.setObject(6, utc(received.plusSeconds(86_400 * 30)));
            ps.setString(7, filedBy);
            ps.setObject(8, utc(received));
            ps.executeUpdate();
        }
    }

    static void state(Connection c, String subject, String purpose, String status, Instant at) throws Exception {
        String eventId;
        try (PreparedStatement ps = c.prepareStatement("select id from consent_event where subject_id = ? and purpose = ?"
                + " and status = ?")) {
            ps.setString(1, subject);
            ps.setString(2, purpose);
            ps.setString(3, status);
            try (var rs = ps.executeQuery()) {
                rs.next();
                eventId = rs.getString(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("insert into consent_state (subject_id, purpose, event_id, status,"
                + " effective_at, lawful_basis) values (?, ?, ?, ?, ?, 'consent')")) {
            ps.setString(1, subject);
            ps.setString(2, purpose);
            ps.setString(3, eventId);
            ps.setString(4, status);
            ps.setObject(5, utc(at));
            ps.executeUpdate();
        }
    }

    static void command(Connection c, String subject, String connector, String action, String status, Instant at)
            throws Exception {
        try (PreparedStatement ps = c.prepareStatement("insert into outbox_command (connector, subject_id, action, status,"
                + " attempts, not_before, created_at, updated_at) values (?, ?, ?, ?, 1, ?, ?, ?)")) {
            ps.setString(1, connector);
            ps.setString(2, subject);
            ps.setString(3, action);
            ps.setString(4, status);
            ps.setObject(5, utc(at));
            ps.setObject(6, utc(at));
            ps.setObject(7, utc(at));
            ps.executeUpdate();
        }
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
