package io.autoround.model.config;

import java.nio.file.Path;

/** A model configuration file that cannot be used; the message names the file and the problem. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /** A message that already names its source. */
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
