package io.autoround.export;

/** A format cannot hold a layer's quantization scheme or shape. */
public class UnsupportedSchemeException extends IllegalArgumentException {
    public UnsupportedSchemeException(String message) {
        super(message);
    }
}
