package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * RMSNorm over the last axis in fp32, as transformers computes it: {@code w * (x / sqrt(mean(x^2) + eps))}. Half
 * precision inputs are normalized in fp32, cast back, then scaled by the weight in their dtype (transformers' order).
 */
public final class RmsNorm {
    private final String name;
    private final NDArray weight;
    private final float eps;
    private final CastCache weightCast;

    public RmsNorm(String name, NDArray weight, double eps) {
        this.name = name;
        this.weight = weight;
        this.eps = (float) eps;
        this.weightCast = new CastCache(weight);
    }

    public static RmsNorm load(String name, int size, double eps, CheckpointWeights weights) {
        return new RmsNorm(name, weights.load(name + ".weight", size), eps);
    }

    public String name() {
        return name;
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray forward(NDArray x) {
        DataType t = x.getDataType();
        if (t == DataType.FLOAT32) {
            NDArray variance = x.square().mean(new int[] {-1}, true);
            return x.div(variance.add(eps).sqrt()).mul(weight);
        }
        // Half precision, differentiable (DJL's dtype casts carry no gradient): x^2 can overflow fp16, so each row
        // is first divided by its RMS measured in fp32 without gradient, s; x/sqrt(mean(x^2)+eps) equals
        // (x/s)/sqrt(mean((x/s)^2)+eps/s^2) for any constant s, so value and gradient are the norm's own.
        NDArray s;
        try (NDArray x32 = x.stopGradient().toType(DataType.FLOAT32, false)) {
            s = x32.square().mean(new int[] {-1}, true).add(eps).sqrt().toType(t, false);
        }
        NDArray scaled = x.div(s);
        NDArray epsScaled = s.stopGradient().toType(DataType.FLOAT32, false).square().pow(-1).mul(eps).toType(t, false);
        NDArray variance = scaled.square().mean(new int[] {-1}, true);
        return scaled.div(variance.add(epsScaled).sqrt()).mul(weightCast.as(t));
    }

    /** Frees the weight's copy made for another compute dtype. */
    public void releaseCastCopies() {
        weightCast.release();
    }
}
