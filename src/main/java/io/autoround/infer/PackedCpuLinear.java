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
    private final PackedIntWeights weights;

    PackedCpuLinear(QuantizedWeight w) {
        this.weights = new PackedIntWeights(w, PackedIntKernel.lanes());
    }

    @Override
    public NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        int m = Math.toIntExact(shape.size() / weights.cols);
        NDArray in = x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        float[] y = PackedIntKernel.forward(weights, in.toFloatArray(), m);
        Shape outShape = shape.slice(0, shape.dimension() - 1).add(weights.rows);
        return x.getManager().create(y, outShape);
    }

    @Override
    public long residentBytes() {
        return weights.residentBytes();
    }
}
