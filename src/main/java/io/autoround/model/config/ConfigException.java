package io.autoround.model.config;

import java.nio.file.Path;

/** A model configuration file that cannot be used; the message names the file and the problem. */
public class ConfigException extends RuntimeException {
    public ConfigException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ConfigException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
