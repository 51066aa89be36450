package io.lethe.register;

/** What became of one consent event handed to the register. */
public sealed interface RecordOutcome {

    /** Stored. */
    record Recorded(String eventId, String subjectId) implements RecordOutcome {
    }

    /** Not stored: the identities given belong to two different subjects, so the register cannot tell whose it is. */
    record IdentityConflict() implements RecordOutcome {
    }
}
