package io.lethe.api;

import java.util.List;

/**
 * 409 answers about identities. Roles that may look subjects up learn which field is at fault; an intake key (a
 * public form) may not look anyone up, so it is told only that the identities do not fit together, never which one is
 * on record.
 */
final class IdentityProblems {

    static final String LINK_HINT = "An admin links a further identity explicitly:"
            + " POST /api/v1/subjects/{subjectId}/identities.";

    private IdentityProblems() {
    }

    static ApiProblem refused(String detail, List<String> fields, Role role) {
        List<ApiProblem.FieldError> errors = new java.util.ArrayList<>();
        String subjectField = null;
        for (String field : fields) {
            if (field.startsWith("changes.")) {
                errors.add(new ApiProblem.FieldError(field, "belongs to another subject"));
            } else if (role != Role.INTAKE) {
                errors.add(new ApiProblem.FieldError(field, "is not on record for the subject the other identities name"));
            } else if (subjectField == null) { // "subject.email" and "events[3].subject.phone" alike: only the object
                subjectField = field.substring(0, field.lastIndexOf("subject") + "subject".length());
            }
        }
        if (subjectField != null) {
            errors.add(new ApiProblem.FieldError(subjectField, "the identities given do not belong together in the"
                    + " register; send one identity"));
            detail = "The identities given cannot be used together; nothing was stored.";
        }
        return new ApiProblem(409, "Identity conflict", detail, errors);
    }

    /** A consent event whose identities name one subject that lacks {@code fields}. */
    static ApiProblem unlinked(List<String> fields, Role role) {
        return refused("Some identities are not on record for the subject the others name; a consent event never"
                + " links identities. " + LINK_HINT, fields, role);
    }
}
