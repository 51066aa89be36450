package io.lethe.breach;

import java.time.Instant;
import java.util.List;

/**
 * One recorded personal data breach. {@code details} and the follow-up texts ({@code authorityReference},
 * {@code delayReason}, {@code exemptionReason}) are sealed at rest; ids, times, counts and codes are not.
 */
public record Breach(String id, Instant awareAt, Instant recordedAt, String recordedBy, Instant updatedAt,
        Details details, List<String> connectors, List<String> purposes, Instant authorityNotifiedAt,
        String authorityReference, String delayReason, Instant reminded24hAt, Instant reminded60hAt,
        Instant noticesRequestedAt, Instant noticesFinishedAt, String exemptionGround, String exemptionReason,
        Instant exemptionAt) {

    /**
     * The Art. 33(3) description: (a) nature, categories and approximate numbers of subjects and of records, (b) the
     * contact point, (c) likely consequences, (d) measures taken or proposed. Numbers may be unknown (null).
     */
    public record Details(String nature, String subjectCategories, Long subjectsApprox, String recordCategories,
            Long recordsApprox, String consequences, String measures, String contact) {

        /** These details with every non-null field of {@code change} taken over (Art. 33(4): information in phases). */
        public Details with(Details change) {
            return new Details(pick(change.nature, nature), pick(change.subjectCategories, subjectCategories),
                    pick(change.subjectsApprox, subjectsApprox), pick(change.recordCategories, recordCategories),
                    pick(change.recordsApprox, recordsApprox), pick(change.consequences, consequences),
                    pick(change.measures, measures), pick(change.contact, contact));
        }

        private static <T> T pick(T changed, T current) {
            return changed != null ? changed : current;
        }
    }

    /** The 72-hour clock of Art. 33(1) at {@code now}. */
    public BreachClock clock(Instant now) {
        return BreachClock.of(awareAt, authorityNotifiedAt, now);
    }

    /** Art. 34 was settled: notices chosen, or an exemption recorded. */
    public boolean subjectsDecided() {
        return noticesRequestedAt != null || exemptionGround != null;
    }

    @Override
    public String toString() { // never the sealed texts in a log line
        return "Breach[" + id + "]";
    }
}
