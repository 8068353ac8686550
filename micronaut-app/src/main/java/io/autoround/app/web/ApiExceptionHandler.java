package io.autoround.app.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Turns an {@link ApiException} into its status and an {@link ErrorBody}. */
@Produces
@Singleton
@Requires(classes = {ApiException.class, ExceptionHandler.class})
public class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<ErrorBody>> {
    @Override
    public HttpResponse<ErrorBody> handle(HttpRequest request, ApiException e) {
        return HttpResponse.<ErrorBody>status(e.status()).contentType(io.micronaut.http.MediaType.APPLICATION_JSON_TYPE)
                .body(new ErrorBody(e.status().getCode(), e.getMessage(), e.errors()));
    }
}
