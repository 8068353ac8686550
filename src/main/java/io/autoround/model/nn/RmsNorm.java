package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;

/** RMSNorm over the last axis in fp32, as transformers computes it: {@code w * (x / sqrt(mean(x^2) + eps))}. */
public final class RmsNorm {
    private final String name;
    private final NDArray weight;
    private final float eps;

    public RmsNorm(String name, NDArray weight, double eps) {
        this.name = name;
        this.weight = weight;
        this.eps = (float) eps;
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
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(eps).sqrt()).mul(weight);
    }
}
