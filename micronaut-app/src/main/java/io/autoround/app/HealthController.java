package io.autoround.app;

import io.autoround.Version;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;

/** Liveness probe; reports the core library version so a client can tell what it talks to. */
@Controller("/health")
public class HealthController {

    @Serdeable
    public record Health(String status, String version) {}

    @Get
    public Health health() {
        return new Health("UP", Version.VERSION);
    }
}
