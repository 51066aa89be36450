package io.lethe.requests;

import java.util.List;

/**
 * A request refused before anything is stored because of whose identities it names (409): an identity that is not
 * on record for the subject the others name, or a corrected identity that is another subject's. {@code fields} are
 * JSON paths of the body; messages never carry the values.
 */
public final class RequestRefusedException extends RuntimeException {

    private final List<String> fields;

    public RequestRefusedException(String detail, List<String> fields) {
        super(detail, null, false, false);
        this.fields = List.copyOf(fields);
    }

    public List<String> fields() {
        return fields;
    }
}
