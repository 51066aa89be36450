package io.lethe.review;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.lethe.db.Sql;

/**
 * Who opened a subject's personal data in the console, when, and why ({@code personal_data_access}, append-only by
 * trigger). The reason is required: a look without one is refused before anything is shown (see {@link SubjectFile}).
 */
public final class PersonalDataAccessLog {

    public static final int REASON_MAX = 500;
    public static final int REASON_MIN = 5;

    private final DataSource dataSource;
    private final Clock clock;

    public PersonalDataAccessLog(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** One opening. {@code viewer} is the API key's name (never the key). */
    public record Entry(long seq, Instant at, String viewer, String viewerRole, String subjectId, String reason) {
    }

    /** What is wrong with a typed reason, or empty when it will do. */
    public static Optional<String> reasonProblem(String reason) {
        String r = reason == null ? "" : reason.strip();
        if (r.length() < REASON_MIN) {
            return Optional.of("is required: say why you open this subject's personal data (at least " + REASON_MIN
                    + " characters)");
        }
        if (r.length() > REASON_MAX) {
            return Optional.of("must be at most " + REASON_MAX + " characters");
        }
        return Optional.empty();
    }

    /** Writes the opening; {@link IllegalArgumentException} when the reason will not do (nothing written then). */
    public Entry record(String viewer, String viewerRole, String subjectId, String reason) {
        reasonProblem(reason).ifPresent(p -> {
            throw new IllegalArgumentException("reason " + p);
        });
        String why = reason.strip();
        Instant at = clock.instant();
        long seq = Sql.transaction(dataSource, "writing the personal-data access log", c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into personal_data_access (at, viewer, viewer_role,"
                    + " subject_id, reason) values (?, ?, ?, ?, ?)", new String[] {"seq"})) {
                ps.setObject(1, at.atOffset(ZoneOffset.UTC));
                ps.setString(2, viewer);
                ps.setString(3, viewerRole);
                ps.setString(4, subjectId);
                ps.setString(5, why);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        return new Entry(seq, at, viewer, viewerRole, subjectId, why);
    }

    /**
     * Newest first: at most {@code limit} entries with a seq below {@code before} (null: from the newest), only of
     * {@code subjectId} when given.
     */
    public List<Entry> page(Long before, String subjectId, int limit) {
        return Sql.transaction(dataSource, "reading the personal-data access log", c -> {
            StringBuilder sql = new StringBuilder("select seq, at, viewer, viewer_role, subject_id, reason"
                    + " from personal_data_access where 1 = 1");
            List<Object> args = new ArrayList<>();
            if (before != null) {
                sql.append(" and seq < ?");
                args.add(before);
            }
            if (subjectId != null && !subjectId.isBlank()) {
                sql.append(" and subject_id = ?");
                args.add(subjectId);
            }
            sql.append(" order by seq desc");
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                ps.setMaxRows(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
                    }
                }
            }
            return out;
        });
    }
}
