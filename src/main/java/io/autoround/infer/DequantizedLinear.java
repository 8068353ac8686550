package io.autoround.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import io.autoround.export.Dequantizer;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;

/**
 * The weight dequantized once to an fp32 matrix [out, in] on the model's device; forward is a dense matmul, after
 * the activation quant-dequant when the scheme has one.
 */
final class DequantizedLinear implements QuantizedLinear {
    private final NDArray weight;
    private final QuantScheme scheme;
    private final float inputGlobalScale;

    /** @param inputGlobalScale the layer's static activation scale (NVFP4 global scale, FP8 input_scale), or NaN */
    DequantizedLinear(QuantizedWeight w, float inputGlobalScale, NDManager manager) {
        this.scheme = w.scheme();
        if (ActivationFakeQuant.needsInputGlobalScale(scheme) && !(inputGlobalScale > 0 && Float.isFinite(inputGlobalScale))) {
            throw new IllegalArgumentException(w.name() + ": static activations need a positive finite "
                    + ActivationFakeQuant.staticScaleTensor(scheme) + ", got " + inputGlobalScale);
        }
        this.inputGlobalScale = inputGlobalScale;
        this.weight = manager.create(Dequantizer.dequantize(w), new Shape(w.rows(), w.cols()));
        this.weight.setName(w.name() + ".weight");
    }

    @Override
    public NDArray forward(NDArray x) {
        if (ActivationFakeQuant.quantizesActivations(scheme)) {
            int cols = Math.toIntExact(weight.getShape().get(1));
            int m = Math.toIntExact(x.getShape().size() / cols);
            float[] q = ActivationFakeQuant.apply(scheme, x.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray(), m, cols,
                    inputGlobalScale);
            x = x.getManager().create(q, x.getShape());
        }
        return Linear.linear(x, weight, null).singletonOrThrow();
    }

    @Override
    public long residentBytes() {
        return 4L * weight.getShape().size();
    }
}
