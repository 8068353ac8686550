package io.autoround.model.safetensors;

import java.nio.file.Path;

/** A safetensors file or index that cannot be read; the message names the file and the problem. */
public class SafetensorsFormatException extends IllegalArgumentException {
    public SafetensorsFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /** A message that already names the checkpoint. */
    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
