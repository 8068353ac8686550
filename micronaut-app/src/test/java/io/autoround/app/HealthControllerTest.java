package io.autoround.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.autoround.Version;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

@MicronautTest
class HealthControllerTest {
    @Inject
    @Client("/")
    HttpClient client;

    @Test
    void healthReportsUpAndCoreVersion() {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = client.toBlocking().retrieve("/health", Map.class);
        assertEquals("UP", body.get("status"));
        assertEquals(Version.VERSION, body.get("version"));
    }
}
