package io.autoround.cli;

import io.autoround.api.DemoAssets;
import io.autoround.model.hub.ModelLocator;
import java.nio.file.Path;

/** Turns a --model value into a local folder: the embedded demo when absent, a folder, or a hub download. */
final class ModelArgument {
    private ModelArgument() {}

    static Path resolve(String model) {
        if (model == null || model.isBlank()) {
            return DemoAssets.model();
        }
        return ModelLocator.fromSystem().resolve(model);
    }

    static String describe(String model) {
        return model == null || model.isBlank() ? DemoAssets.MODEL_NAME : model;
    }
}
