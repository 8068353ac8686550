package io.autoround.model.safetensors;

import java.nio.file.Path;

/** A safetensors file or index that cannot be read; the message names the file and the problem. */
public class SafetensorsFormatException extends RuntimeException {
    public SafetensorsFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public SafetensorsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
