package io.autoround.app.web;

import io.micronaut.http.HttpStatus;
import java.util.List;

/** A request the service refuses, with the HTTP status to answer and, for bad input, the field-level problems. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final List<FieldError> errors;

    public ApiException(HttpStatus status, String message, List<FieldError> errors) {
        super(message);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public ApiException(HttpStatus status, String message) {
        this(status, message, List.of());
    }

    /** 400 listing every bad field. */
    public static ApiException badRequest(List<FieldError> errors) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid request: " + errors.size() + " bad field(s)", errors);
    }

    public static ApiException badField(String field, String message) {
        return badRequest(List.of(new FieldError(field, message)));
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, message);
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
