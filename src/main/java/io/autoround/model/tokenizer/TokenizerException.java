package io.autoround.model.tokenizer;

import java.nio.file.Path;

/** A tokenizer that cannot be loaded; the message names the file or folder and the problem. */
public class TokenizerException extends RuntimeException {
    public TokenizerException(Path path, String problem) {
        super(path + ": " + problem);
    }

    public TokenizerException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
    }
}
