package io.autoround.app;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** Entry point of the AutoRound HTTP service. The OpenAPI document is served at /swagger/autoround-service.yml. */
@OpenAPIDefinition(info = @Info(title = "autoround-service", version = "1",
        description = "Quantize LLMs with AutoRound as jobs, download the checkpoints, generate and measure perplexity."))
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
