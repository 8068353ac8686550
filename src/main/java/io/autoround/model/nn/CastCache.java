package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * A persistent array (a weight, a bias, a RoPE table) and, made on first use, its copy in the compute dtype of the
 * activations that meet it: the op-level autocast of mixed-precision tuning, where fp16 activations must multiply
 * fp16 weights (torch refuses mixed-dtype matmuls, and promotion would silently run the rest in fp32). The copy
 * lives on the source's manager, outside any NDScope, until {@link #release()}.
 */
final class CastCache {
    private final NDArray source;
    private NDArray copy;

    CastCache(NDArray source) {
        this.source = source;
    }

    /** The source when it already has dtype {@code type}, else the cached copy in that dtype. */
    NDArray as(DataType type) {
        if (source == null || source.getDataType() == type) {
            return source;
        }
        if (copy == null || copy.getDataType() != type) {
            release();
            NDArray c = source.toType(type, true);
            NDScope.unregister(c);
            c.attach(source.getManager());
            copy = c;
        }
        return copy;
    }

    /** Frees the copy (the source stays). */
    void release() {
        if (copy != null) {
            copy.close();
            copy = null;
        }
    }
}
