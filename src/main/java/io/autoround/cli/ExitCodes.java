package io.autoround.cli;

import io.autoround.export.CheckpointFormatException;
import io.autoround.export.gguf.GgufFormatException;
import io.autoround.model.config.ConfigException;
import io.autoround.model.safetensors.SafetensorsFormatException;
import io.autoround.model.tokenizer.TokenizerException;
import java.io.UncheckedIOException;

/**
 * Exit code and one-line message of a failed command: 2 for bad input (options, files and checkpoints the user
 * gave), 1 for everything else. Exceptions that carry no message of their own are named as internal errors,
 * so that a user never reads only a bare Java class name.
 */
final class ExitCodes {
    static final int BAD_INPUT = 2;
    static final int FAILURE = 1;

    private ExitCodes() {}

    static int of(Throwable e) {
        return badInput(e) ? BAD_INPUT : FAILURE;
    }

    private static boolean badInput(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException
                || e instanceof ConfigException || e instanceof SafetensorsFormatException
                || e instanceof TokenizerException || e instanceof CheckpointFormatException
                || e instanceof GgufFormatException;
    }

    static String message(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "error: out of memory (" + e.getMessage() + "); lower --batch_size, --seqlen or --nsamples, or "
                    + "give the JVM more memory with AR_JAVA_OPTS=-Xmx<size>";
        }
        if (e instanceof StackOverflowError) {
            return "error: input nested too deeply (stack overflow); simplify it, or raise the stack with "
                    + "AR_JAVA_OPTS=-Xss<size>";
        }
        if (e.getMessage() != null && (badInput(e) || e instanceof UncheckedIOException || e instanceof IllegalStateException
                || e.getClass().getName().startsWith("io.autoround."))) {
            return "error: " + e.getMessage();
        }
        return "internal error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                + " (please report it; AR_DEBUG=1 prints the stack trace)";
    }
}
