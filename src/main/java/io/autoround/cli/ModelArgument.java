package io.autoround.cli;

import io.autoround.api.DemoAssets;
import io.autoround.model.hub.ModelLocator;
import java.nio.file.Path;

/**
 * Turns a --model value into a local path: the embedded demo when absent, a folder, a (GGUF) file, or a hub
 * download.
 */
final class ModelArgument {
    private ModelArgument() {}

    static Path resolve(String model) {
        if (model == null || model.isBlank()) {
            return DemoAssets.model();
        }
        Path file = Path.of(model.trim());
        if (java.nio.file.Files.isRegularFile(file)) {
            return file.toAbsolutePath().normalize(); // a GGUF file; its header is checked when it is opened
        }
        return ModelLocator.fromSystem().resolve(model);
    }

    /** The --model option, else the positional model argument (null when neither is given). */
    static String either(String option, String positional) {
        if (option != null && positional != null && !option.equals(positional)) {
            throw new IllegalArgumentException("two models given: --model " + option + " and " + positional);
        }
        return option != null ? option : positional;
    }

    static String describe(String model) {
        return model == null || model.isBlank() ? DemoAssets.MODEL_NAME : model;
    }
}
