package io.autoround.infer;

/** No backend (or not the forced one) can serve a quantized layer; the message names the layer and the reasons. */
public final class NoBackendException extends IllegalArgumentException {
    public NoBackendException(String message) {
        super(message);
    }
}
