package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.annotation.Property;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With a configured token, every /v1 route needs it; /health stays open. */
@MicronautTest
@Property(name = "autoround.auth-token", value = "s3cret-token")
class AuthTest extends ServiceTestBase {
    @Inject
    @Client("/")
    HttpClient client;

    @Test
    void v1RoutesNeedTheBearerToken() {
        for (HttpRequest<?> req : List.<HttpRequest<?>>of(HttpRequest.GET("/v1/jobs"), HttpRequest.GET("/v1/schemes"),
                HttpRequest.POST("/v1/jobs", "{}").contentType("application/json"), HttpRequest.DELETE("/v1/jobs/x"),
                HttpRequest.GET("/v1/jobs/x/files/model.safetensors"), HttpRequest.POST("/v1/generate", Map.of()))) {
            Failure f = fails(client.toBlocking(), req);
            assertEquals(401, f.status(), req.getPath());
            assertTrue(String.valueOf(f.body().get("error")).contains("missing bearer token"), f.body().toString());
        }
        Failure wrong = fails(client.toBlocking(), HttpRequest.GET("/v1/jobs").bearerAuth("guess"));
        assertEquals(401, wrong.status());
        assertEquals("wrong bearer token", wrong.body().get("error"));
        assertEquals(List.of(), client.toBlocking().retrieve(HttpRequest.GET("/v1/jobs").bearerAuth("s3cret-token"),
                io.micronaut.core.type.Argument.listOf(Map.class)));
        assertEquals("UP", client.toBlocking().retrieve(HttpRequest.GET("/health"), Map.class).get("status"));
    }
}
