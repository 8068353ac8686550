package io.autoround.model.files;

/**
 * A path named inside a model's files (an index's shard name, a symlinked side file) that would lead outside the
 * model's folder: it is refused rather than read or copied into an output.
 */
public class UnsafePathException extends IllegalArgumentException {
    public UnsafePathException(String message) {
        super(message);
    }
}
