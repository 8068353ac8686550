package io.autoround.export;

import io.autoround.model.safetensors.DType;
import io.autoround.model.safetensors.TensorInfo;
import io.autoround.model.safetensors.TensorSource;
import java.util.Arrays;

/** Checked access to the tensors of one quantized layer while reading a checkpoint. */
final class LayerTensors {
    private final TensorSource src;
    private final String layer;
    private final String format;

    LayerTensors(TensorSource src, String layer, String format) {
        this.src = src;
        this.layer = layer;
        this.format = format;
    }

    boolean has(String suffix) {
        return src.contains(layer + "." + suffix);
    }

    /** The tensor's info, checking rank and dtype. */
    TensorInfo info(String suffix, int rank, DType... dtypes) {
        String name = layer + "." + suffix;
        TensorInfo t = src.find(name).orElseThrow(() -> fail("tensor '" + name + "' is missing"));
        if (t.shape().length != rank) {
            throw fail("tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected rank " + rank);
        }
        if (dtypes.length > 0 && !Arrays.asList(dtypes).contains(t.dtype())) {
            throw fail("tensor '" + name + "' has dtype " + t.dtype() + ", expected " + Arrays.toString(dtypes));
        }
        return t;
    }

    /** The tensor's info, checking only its dtype (for scales stored as a scalar, [1], [N] or [N, 1]). */
    TensorInfo infoAnyRank(String suffix, DType... dtypes) {
        String name = layer + "." + suffix;
        TensorInfo t = src.find(name).orElseThrow(() -> fail("tensor '" + name + "' is missing"));
        if (!Arrays.asList(dtypes).contains(t.dtype())) {
            throw fail("tensor '" + name + "' has dtype " + t.dtype() + ", expected " + Arrays.toString(dtypes));
        }
        return t;
    }

    /** Checks the shape of a tensor. */
    void expectShape(TensorInfo t, long... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw fail("tensor '" + t.name() + "' has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(shape));
        }
    }

    int[] ints(String suffix) {
        return src.readInts(layer + "." + suffix);
    }

    float[] floats(String suffix) {
        return src.readFloats(layer + "." + suffix);
    }

    byte[] bytes(String suffix) {
        return src.readBytes(layer + "." + suffix);
    }


    CheckpointFormatException fail(String problem) {
        return new CheckpointFormatException(format + " layer '" + layer + "': " + problem);
    }
}
