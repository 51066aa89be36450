package io.lethe.api;

import java.util.List;

/**
 * A refusal with its RFC 9457 problem details. Thrown anywhere in an API flow; the API route configuration
 * renders it as {@code application/problem+json}. Messages name fields, never echo personal data.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final List<FieldError> errors;

    public ApiProblem(int status, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    public static ApiProblem invalid(List<FieldError> errors) {
        return new ApiProblem(400, "Invalid request", "The request has " + errors.size()
                + (errors.size() == 1 ? " invalid field." : " invalid fields."), errors);
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static ApiProblem notFound(String what) {
        return new ApiProblem(404, "Not found", what);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    /** One field at fault: a JSON path such as {@code events[3].subject.email}, and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
