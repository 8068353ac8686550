package io.autoround.export;

/** A quantized checkpoint being read is missing a tensor or has an inconsistent one; the message names the layer. */
public class CheckpointFormatException extends RuntimeException {
    public CheckpointFormatException(String message) {
        super(message);
    }
}
