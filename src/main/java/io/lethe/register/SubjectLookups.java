package io.lethe.register;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

/** Single-row questions to the register: does this subject or identity exist, is it suppressed; the unconsented flag. */
final class SubjectLookups {

    private final DataSource dataSource;
    private final KeyRing keys;

    SubjectLookups(DataSource dataSource, KeyRing keys) {
        this.dataSource = dataSource;
        this.keys = keys;
    }

    /** Marks a subject first seen in a vendor with no consent on record (the risk report lists them). */
    void flagUnconsented(String subjectId, String source) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update subject set unconsented_source = ? where id = ? and unconsented_source is null")) {
            ps.setString(1, source);
            ps.setString(2, subjectId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new RegisterException("flagging a subject failed", e);
        }
    }

    /** Whether an identity belongs to someone erased earlier (the suppression register). */
    boolean isSuppressed(IdentityKind kind, String normalisedValue) {
        return query("select 1 from suppression where lookup_hash = ?",
                ps -> ps.setString(1, keys.lookupHash(kind, normalisedValue)), rs -> true).isPresent();
    }

    Optional<String> findSubject(IdentityKind kind, String normalisedValue) {
        String sql = "select subject_id from subject_identity where lookup_hash = ?";
        return query(sql, ps -> ps.setString(1, keys.lookupHash(kind, normalisedValue)), rs -> rs.getString(1));
    }

    boolean exists(String subjectId) {
        return query("select 1 from subject where id = ?", ps -> ps.setString(1, subjectId), rs -> true).isPresent();
    }

    private <T> Optional<T> query(String sql, SqlConsumer<PreparedStatement> bind, SqlFunction<ResultSet, T> map) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement ps = connection.prepareStatement(sql)) {
            bind.accept(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(map.apply(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new RegisterException("register query failed", e);
        }
    }

    @FunctionalInterface
    interface SqlConsumer<T> {
        void accept(T t) throws SQLException;
    }

    @FunctionalInterface
    interface SqlFunction<T, R> {
        R apply(T t) throws SQLException;
    }
}
