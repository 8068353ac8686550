package io.autoround.app.jobs;

import io.autoround.export.CheckpointFormatException;
import io.autoround.model.config.ConfigException;
import io.autoround.model.hub.HubException;
import io.autoround.model.safetensors.SafetensorsFormatException;
import io.autoround.model.tokenizer.TokenizerException;
import java.io.UncheckedIOException;

/** Which core exceptions mean "the request named something bad" (answered 400) rather than a server fault. */
public final class InputErrors {
    private InputErrors() {}

    public static boolean isBadInput(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException
                || e instanceof HubException || e instanceof ConfigException || e instanceof TokenizerException
                || e instanceof SafetensorsFormatException || e instanceof CheckpointFormatException
                || e instanceof UncheckedIOException;
    }
}
