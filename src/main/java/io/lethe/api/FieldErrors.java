package io.lethe.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/** Collects every problem of one body, so a client learns all its mistakes at once. */
final class FieldErrors {

    private final List<ApiProblem.FieldError> errors = new ArrayList<>();

    void add(String field, String message) {
        errors.add(new ApiProblem.FieldError(field, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    int size() {
        return errors.size();
    }

    List<ApiProblem.FieldError> list() {
        return List.copyOf(errors);
    }

    /** Reports each member of {@code object} that is not in {@code allowed}. */
    void rejectUnknown(JsonNode object, String prefix, Set<String> allowed) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                add(prefix + name, "unknown field");
            }
        }
    }

    /** A string member: null when absent (and then reported if required) or when of another type (reported). */
    String text(JsonNode object, String name, String prefix, boolean required, int maxLength) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                add(prefix + name, "is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            add(prefix + name, "must be a string");
            return null;
        }
        String text = value.asText();
        if (text.isBlank()) {
            add(prefix + name, "must not be empty");
            return null;
        }
        if (text.length() > maxLength) {
            add(prefix + name, "must be at most " + maxLength + " characters");
            return null;
        }
        if (text.chars().anyMatch(c -> Character.isISOControl(c))) {
            add(prefix + name, "must not contain control characters");
            return null;
        }
        return text;
    }
}
