package io.autoround.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.autoround.quant.QuantizedWeight;

/**
 * A quantized Linear computed by {@link PackedIntKernel} on the CPU: activations leave DJL as a float array (small
 * at decode, [1, in]), the kernel reads packed codes, and the result returns as an NDArray on x's manager.
 */
final class PackedCpuLinear implements QuantizedLinear {
    // q/k/v (and gate/up) receive the same input array one after another: copy it out of DJL once
    private static final ThreadLocal<Object[]> LAST_INPUT = ThreadLocal.withInitial(() -> new Object[2]);

    private final PackedIntWeights weights;

    PackedCpuLinear(QuantizedWeight w) {
        this.weights = new PackedIntWeights(w, PackedIntKernel.lanes());
    }

    @Override
    public NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        int m = Math.toIntExact(shape.size() / weights.cols);
        float[] y = PackedIntKernel.forward(weights, floats(x), m);
        Shape outShape = shape.slice(0, shape.dimension() - 1).add(weights.rows);
        return x.getManager().create(y, outShape);
    }

    private static float[] floats(NDArray x) {
        Object[] last = LAST_INPUT.get();
        if (last[0] == x) {
            return (float[]) last[1];
        }
        float[] v = x.getDataType() == DataType.FLOAT32 ? x.toFloatArray() : x.toType(DataType.FLOAT32, false).toFloatArray();
        last[0] = x;
        last[1] = v;
        return v;
    }

    @Override
    public long residentBytes() {
        return weights.residentBytes();
    }
}
