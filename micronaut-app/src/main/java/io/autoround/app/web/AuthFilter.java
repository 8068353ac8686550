package io.autoround.app.web;

import io.autoround.app.ServiceConfig;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** When {@code autoround.auth-token} is set, every /v1 route needs {@code Authorization: Bearer <token>}. */
@ServerFilter("/v1/**")
public class AuthFilter {
    private final byte[] token;

    public AuthFilter(ServiceConfig config) {
        this.token = config.getAuthToken().getBytes(StandardCharsets.UTF_8);
    }

    @RequestFilter
    @Nullable
    public HttpResponse<ErrorBody> check(HttpRequest<?> request) {
        if (token.length == 0) {
            return null;
        }
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return unauthorized("missing bearer token: send 'Authorization: Bearer <token>'");
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        // constant-time comparison so the token cannot be guessed byte by byte from timings
        if (!MessageDigest.isEqual(given, token)) {
            return unauthorized("wrong bearer token");
        }
        return null;
    }

    private static HttpResponse<ErrorBody> unauthorized(String message) {
        return HttpResponse.<ErrorBody>status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .body(new ErrorBody(401, message, List.of()));
    }
}
