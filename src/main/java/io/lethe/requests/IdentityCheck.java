package io.lethe.requests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.lethe.register.ConsentRegister;
import io.lethe.register.IdentityKind;

/**
 * Whose request this is, decided only from identities already on record: an identifier a caller sends is a claim,
 * never a proof, so a request never adds an identity to anyone and never names a subject through an identity that is
 * not that subject's.
 */
final class IdentityCheck {

    /** The subject the identities name, or null when none of them is on record (someone the register does not know). */
    record Outcome(String subjectId, boolean conflict) {
    }

    private final ConsentRegister register;

    IdentityCheck(ConsentRegister register) {
        this.register = register;
    }

    Outcome check(Map<IdentityKind, String> identities, Map<String, String> changes) {
        List<String> owners = new ArrayList<>();
        List<String> notOnRecord = new ArrayList<>();
        identities.forEach((kind, value) -> register.findSubject(kind, value).ifPresentOrElse(s -> {
            if (!owners.contains(s)) {
                owners.add(s);
            }
        }, () -> notOnRecord.add("subject." + kind.field())));
        if (owners.size() > 1) {
            return new Outcome(null, true);
        }
        String subjectId = owners.isEmpty() ? null : owners.get(0);
        if (subjectId != null && !notOnRecord.isEmpty()) {
            throw new RequestRefusedException("Some identities given are not on record for the subject the others"
                    + " name; a request never links identities. An admin links them first"
                    + " (POST /api/v1/subjects/{subjectId}/identities).", notOnRecord);
        }
        List<String> taken = new ArrayList<>();
        for (IdentityKind kind : List.of(IdentityKind.EMAIL, IdentityKind.PHONE)) {
            String value = changes.get(kind.field());
            Optional<String> owner = value == null ? Optional.empty() : register.findSubject(kind, value);
            if (owner.isPresent() && !owner.get().equals(subjectId)) {
                taken.add("changes." + kind.field());
            }
        }
        if (!taken.isEmpty()) {
            throw new RequestRefusedException("A corrected identity belongs to another subject; it cannot become"
                    + " this person's.", taken);
        }
        return new Outcome(subjectId, false);
    }
}
