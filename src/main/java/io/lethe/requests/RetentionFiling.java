package io.lethe.requests;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import io.lethe.connectors.Connector;
import io.lethe.connectors.Connectors;
import io.lethe.db.Sql;

/**
 * The erasures the hub files itself at the end of a retention period ({@code io.lethe.retention}): an ordinary erasure
 * request (same table, same execution, same completion: verified, crypto-shredded), filed by
 * {@code retention:<policy>}. No identity check (the hub is the requester) and no mail to the person (nobody asked).
 * A policy limited to some connectors files a request limited to them, which leaves the register alone. Never a second
 * erasure while one of the subject's is still open or waits for a person.
 */
final class RetentionFiling {

    /** Statuses in which an erasure counts as still open for retention (action_required waits for a person). */
    static final String NOT_DONE = "('identity_unverified', 'pending', 'in_progress', 'action_required')";

    private final DataSource dataSource;
    private final Connectors connectors;
    private final Deadlines deadlines;
    private final RequestStore store;
    private final RequestExecution execution;
    private final Clock clock;

    RetentionFiling(DataSource dataSource, Connectors connectors, Deadlines deadlines, RequestStore store,
            RequestExecution execution, Clock clock) {
        this.dataSource = dataSource;
        this.connectors = connectors;
        this.deadlines = deadlines;
        this.store = store;
        this.execution = execution;
        this.clock = clock;
    }

    /** See {@link RequestService#fileRetentionErasure}. */
    Optional<String> file(String subjectId, String policy, List<String> scope) {
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        return Sql.transaction(dataSource, "filing a retention erasure", c -> {
            try {
                LegalHolds.lockSubject(c, subjectId); // two hubs filing for one subject: the second sees the first
            } catch (LegalHolds.HoldException gone) {
                return Optional.<String>empty();
            }
            if (!withOpenErasure(c, List.of(subjectId)).isEmpty()) {
                return Optional.<String>empty();
            }
            DataSubjectRequest request = new DataSubjectRequest(id, RequestType.ERASURE, Regulation.GDPR, subjectId,
                    RequestStatus.PENDING, now, deadlines.due(Regulation.GDPR, now), null, null, List.of(), List.of());
            store.insert(c, request, null, null, "retention:" + policy, null);
            if (scope != null) {
                store.setScope(c, id, scope);
            }
            for (Connector connector : connectors.enabled()) {
                if (scope == null || scope.contains(connector.id())) {
                    store.setVendor(c, id, connector.id(), "queued", null, now);
                }
            }
            execution.start(c, store.find(c, id).orElseThrow());
            return Optional.of(id);
        });
    }

    /** The subjects among these with an erasure not done yet. */
    Set<String> withOpenErasure(Collection<String> subjectIds) {
        return Sql.transaction(dataSource, "reading open erasures", c -> withOpenErasure(c, subjectIds));
    }

    private static Set<String> withOpenErasure(Connection c, Collection<String> subjectIds) throws SQLException {
        Set<String> out = new HashSet<>();
        Sql.forEachChunk(c, "select distinct subject_id from dsr where type = 'erasure' and status in " + NOT_DONE
                + " and subject_id in ", List.copyOf(subjectIds), "", Sql.IN_LIST_CHUNK, rs -> out.add(rs.getString(1)));
        return out;
    }

    /** Requests filed by {@code filedBy*}, newest first, at most {@code max} (the console's done retention erasures). */
    List<RequestService.FiledRequest> filedBy(String prefix, int max) {
        return Sql.transaction(dataSource, "listing retention requests", c -> {
            List<RequestService.FiledRequest> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, subject_id, status, filed_by, received_at,"
                    + " updated_at, connectors from dsr where filed_by like ? order by received_at desc, id")) {
                ps.setString(1, prefix.replace("%", "") + "%");
                ps.setMaxRows(max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RequestService.FiledRequest(rs.getString(1), rs.getString(2),
                                RequestStatus.ofWire(rs.getString(3)), rs.getString(4),
                                rs.getObject(5, java.time.OffsetDateTime.class).toInstant(),
                                rs.getObject(6, java.time.OffsetDateTime.class).toInstant(),
                                rs.getString(7) == null ? List.of() : List.of(rs.getString(7).split(","))));
                    }
                }
            }
            return out;
        });
    }
}
