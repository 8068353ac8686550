package io.autoround.export;

/**
 * A layout cannot hold a layer because of its shape (e.g. in_features not a multiple of the group size), while the
 * scheme itself is fine: such a layer can be kept in 16 bits, as the reference skips layers whose shape does not fit.
 */
public final class UnpackableShapeException extends UnsupportedSchemeException {
    public UnpackableShapeException(String message) {
        super(message);
    }
}
