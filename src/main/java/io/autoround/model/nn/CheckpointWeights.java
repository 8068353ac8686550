package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.engine.OffHeapArrays;
import io.autoround.model.arch.CheckpointValidator;
import io.autoround.model.safetensors.ElementCodec;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import java.util.Arrays;

/**
 * Loads checkpoint tensors as fp32 NDArrays. Every dtype is widened to fp32 in Java first, so no BF16 NDArray is
 * ever created (that aborts the JVM in DJL 0.36); shapes are checked against what config.json implies.
 */
public final class CheckpointWeights {
    private final TensorSource source;
    private final NDManager manager;
    private final boolean offHeap;
    private long loadedBytes;

    public CheckpointWeights(TensorSource source, NDManager manager) {
        this(source, manager, false);
    }

    /**
     * @param offHeap widen each tensor straight from its (memory-mapped) bytes into libtorch-owned memory, with no
     *     Java heap copy and nothing left for the garbage collector (for block streaming); the values are the same.
     *     Only for sources whose raw bytes are the tensor's values (safetensors checkpoints).
     */
    CheckpointWeights(TensorSource source, NDManager manager, boolean offHeap) {
        this.source = source;
        this.manager = manager;
        this.offHeap = offHeap;
    }

    /** Bytes of the fp32 arrays this loader created so far. */
    long loadedBytes() {
        return loadedBytes;
    }

    public boolean contains(String tensor) {
        return source.contains(tensor);
    }

    /** The tensor as fp32 with the expected shape, or a clear error naming the tensor and the checkpoint. */
    public NDArray load(String tensor, long... expectedShape) {
        TensorInfo info = source.find(tensor).orElseThrow(() -> new IllegalArgumentException(
                "tensor '" + tensor + "' is missing from the checkpoint " + source));
        if (!Arrays.equals(info.shape(), expectedShape)) {
            throw new IllegalArgumentException("tensor '" + tensor + "' has shape " + Arrays.toString(info.shape())
                    + " but config.json implies " + Arrays.toString(expectedShape));
        }
        if (source.isPlaceholder(tensor)) {
            // a zero-stride view of one element: the right shape, no memory; its real forward comes from a module
            NDArray placeholder = manager.zeros(new Shape(1)).broadcast(new Shape(expectedShape));
            placeholder.setName(tensor);
            return placeholder;
        }
        NDArray array;
        if (offHeap) {
            array = source.withData(tensor, data -> {
                CheckpointValidator.requireFinite(tensor, data, info.dtype(), info.numel(), source);
                return OffHeapArrays.fp32(manager, new Shape(expectedShape), (dst, first, count) -> ElementCodec.widenInto(
                        data.asSlice(first * info.dtype().byteSize(), count * info.dtype().byteSize()), info.dtype(), dst, count));
            });
        } else {
            float[] values = source.readFloats(tensor);
            CheckpointValidator.requireFinite(tensor, values, source);
            array = manager.create(values, new Shape(expectedShape));
        }
        array.setName(tensor);
        loadedBytes += array.size() * Float.BYTES;
        return array;
    }
}
