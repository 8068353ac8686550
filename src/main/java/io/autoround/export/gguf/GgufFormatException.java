package io.autoround.export.gguf;

/** A malformed GGUF file or an unsupported GGUF feature. */
public class GgufFormatException extends IllegalArgumentException {
    public GgufFormatException(String message) {
        super(message);
    }
}
