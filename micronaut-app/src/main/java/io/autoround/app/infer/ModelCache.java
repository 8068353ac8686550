package io.autoround.app.infer;

import java.nio.file.Path;
import java.util.function.Function;

/** Keeps loaded models between requests. */
public interface ModelCache {
    /** Runs {@code work} with the model of {@code dir} loaded by {@code backend}, loading it when not cached. */
    <T> T withModel(Path dir, InferenceBackend backend, Function<LoadedModel, T> work);
}
