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

    /** True when {@code e}, or an exception it wraps, says the input was bad. */
    public static boolean isBadInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isBadInputType(t)) {
                return true;
            }
        }
        return false;
    }

    /** The message of the exception that said the input was bad (a wrapper's message may hide it). */
    public static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (isBadInputType(t) && t.getMessage() != null) {
                if (t == e || e.getMessage() == null) {
                    return t.getMessage();
                }
                return e.getMessage().contains(t.getMessage()) ? e.getMessage() : e.getMessage() + ": " + t.getMessage();
            }
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    // IllegalArgumentException covers the core's option errors (NumberFormatException and PatternSyntaxException too);
    // the others are the core's own "this file/model is not usable" types.
    private static boolean isBadInputType(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException
                || e instanceof HubException || e instanceof ConfigException || e instanceof TokenizerException
                || e instanceof SafetensorsFormatException || e instanceof CheckpointFormatException
                || e instanceof UncheckedIOException || e instanceof java.nio.file.NoSuchFileException
                || e instanceof java.nio.file.AccessDeniedException;
    }
}
