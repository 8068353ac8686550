package io.autoround.export;

/** A quantized checkpoint being read is missing a tensor or has an inconsistent one; the message names the layer. */
public class CheckpointFormatException extends IllegalArgumentException {
    public CheckpointFormatException(String message) {
        super(message);
    }
}
