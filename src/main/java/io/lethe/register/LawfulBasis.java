package io.lethe.register;

import java.util.Set;

/** The six lawful bases of GDPR Art. 6(1), as the API spells them. */
public final class LawfulBasis {

    public static final String CONSENT = "consent";
    public static final Set<String> ALL = Set.of(CONSENT, "contract", "legal_obligation", "vital_interests",
            "public_task", "legitimate_interests");

    private LawfulBasis() {
    }
}
