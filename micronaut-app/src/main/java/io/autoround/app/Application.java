package io.autoround.app;

import io.micronaut.runtime.Micronaut;

/** Entry point of the AutoRound HTTP service. */
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
