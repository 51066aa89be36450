package io.lethe.register;

import java.util.List;

/** What became of one consent event handed to the register. */
public sealed interface RecordOutcome {

    /** Stored. */
    record Recorded(String eventId, String subjectId) implements RecordOutcome {
    }

    /** Not stored: the identities given belong to two different subjects, so the register cannot tell whose it is. */
    record IdentityConflict() implements RecordOutcome {
    }

    /**
     * Not stored: the identities name one subject, but {@code notOnRecord} are not that subject's. The register never
     * links identities on the side of a consent event (that would let any caller attach an address to someone else);
     * an admin links them explicitly.
     */
    record UnlinkedIdentity(List<IdentityKind> notOnRecord) implements RecordOutcome {
        public UnlinkedIdentity {
            notOnRecord = List.copyOf(notOnRecord);
        }
    }
}
