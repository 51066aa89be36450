package io.lethe.retention;

import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One policy of config/retention.yaml: which subjects' time is up ({@link Kind}), after how long, and at most how many
 * a run may erase ({@code limit}, null: no limit). See config/retention.yaml for the format.
 */
public record RetentionPolicy(String id, String description, boolean enabled, Kind kind, Period after,
        List<String> connectors, Integer limit) {

    /** The rules a policy can apply. */
    public enum Kind {
        /**
         * No purpose granted and no consent event (or, without any, no registration) for {@code after}: the subject is
         * erased everywhere, like an erasure request, and crypto-shredded.
         */
        INACTIVE_SUBJECT("inactive_subject"),
        /**
         * The hub delivered nothing for the subject to the named connectors for {@code after} (their data there is
         * that old): the subject's data is erased at those connectors only; the register keeps the subject.
         */
        CONNECTOR_AGE("connector_age");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** The instant before which activity counts as expired, for a run at {@code now} (calendar months, UTC). */
    public Instant cutoff(Instant now) {
        return now.atOffset(ZoneOffset.UTC).minus(after).toInstant();
    }

    /** The connectors the erasure goes to: null for every enabled connector. */
    public List<String> scope() {
        return kind == Kind.CONNECTOR_AGE ? connectors : null;
    }

    /** The filer of this policy's requests. */
    public String filedBy() {
        return "retention:" + id;
    }
}
