package io.autoround.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.autoround.export.Dequantizer;
import io.autoround.quant.QuantizedWeight;

/** The weight dequantized once to an fp32 matrix [out, in] on the model's device; forward is a dense matmul. */
final class DequantizedLinear implements QuantizedLinear {
    private final NDArray weight;

    DequantizedLinear(QuantizedWeight w, NDManager manager) {
        this.weight = manager.create(Dequantizer.dequantize(w), new Shape(w.rows(), w.cols()));
        this.weight.setName(w.name() + ".weight");
    }

    @Override
    public NDArray forward(NDArray x) {
        return Linear.linear(x, weight, null).singletonOrThrow();
    }

    @Override
    public long residentBytes() {
        return 4L * weight.getShape().size();
    }
}
