package io.autoround.app.web;

import io.autoround.app.jobs.InputErrors;
import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the framework answers by itself (wrong content type, body too large, no body, unknown route, wrong
 * method, an exception nobody mapped) gets the service's {@link ErrorBody} with the culprit named, instead of
 * Micronaut's own shape. Bad input that escaped as an exception is answered 400, never 500.
 */
@Primary
@Singleton
public class JsonErrorResponses implements ErrorResponseProcessor<ErrorBody> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorResponses.class);
    private final long maxRequestSize;

    public JsonErrorResponses(HttpServerConfiguration server) {
        this.maxRequestSize = server.getMaxRequestSize();
    }

    @Override
    public MutableHttpResponse<ErrorBody> processResponse(ErrorContext ctx, MutableHttpResponse<?> base) {
        HttpRequest<?> req = ctx.getRequest();
        Throwable cause = ctx.getRootCause().orElse(null);
        int status = base.getStatus().getCode();
        String said = ctx.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
        FieldError error;
        if (status == 500 && cause != null && InputErrors.isBadInput(cause)) {
            status = 400;
            error = new FieldError("request", InputErrors.message(cause));
        } else {
            error = describe(status, req, said, cause);
        }
        if (status >= 500) {
            LOG.error("{} {} failed", req.getMethod(), req.getPath(), cause);
        }
        String summary = status >= 500 ? "internal error" : "invalid request: " + error.message();
        return base.status(HttpStatus.valueOf(status)).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(new ErrorBody(status, summary, List.of(error)));
    }

    private FieldError describe(int status, HttpRequest<?> req, String said, Throwable cause) {
        return switch (status) {
            case 415 -> new FieldError("Content-Type", "must be application/json, got "
                    + req.getHeaders().get(HttpHeaders.CONTENT_TYPE) + " (" + said + ")");
            case 413 -> new FieldError("body", "is larger than this service's limit of " + maxRequestSize
                    + " bytes (micronaut.server.max-request-size)");
            case 404 -> new FieldError("path", "no route " + req.getMethod() + " " + req.getPath());
            case 405 -> new FieldError("method", req.getMethod() + " is not allowed on " + req.getPath() + " (" + said + ")");
            case 400 -> said.contains("Required Body") || said.contains("Required argument [String body]")
                    ? new FieldError("body", "empty body: send a JSON object")
                    : new FieldError("request", said);
            default -> new FieldError("request", status >= 500
                    ? "the service failed (" + (cause == null ? said : cause.getClass().getSimpleName()) + "); see its log"
                    : said);
        };
    }
}
