package io.autoround.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.config.ModelConfig;

/**
 * Rotary position embedding with the Hugging Face rotate-half convention. Angles are {@code pos * inv_freq} in fp32
 * and cos/sin are evaluated per element, as transformers does; the tables for a batch are built in Java.
 */
public final class RotaryEmbedding {
    private final float[] invFreq;
    private final int headDim;

    public RotaryEmbedding(ModelConfig config) {
        this.headDim = config.headDim();
        this.invFreq = config.rope().inverseFrequencies(headDim);
    }

    public float[] inverseFrequencies() {
        return invFreq.clone();
    }

    /**
     * cos and sin tables [batch, 1, seq, headDim] for the given positions (row-major [batch][seq]).
     *
     * @return {cos, sin}, created on {@code manager}
     */
    public NDArray[] cosSin(NDManager manager, long[] positions, int batch, int seq) {
        if (positions.length != (long) batch * seq) {
            throw new IllegalArgumentException("position ids hold " + positions.length + " values, expected " + batch + "x" + seq);
        }
        int half = headDim / 2;
        float[] cos = new float[batch * seq * headDim];
        float[] sin = new float[cos.length];
        for (int t = 0; t < positions.length; t++) {
            float pos = positions[t];
            int base = t * headDim;
            for (int i = 0; i < half; i++) {
                float angle = invFreq[i] * pos;
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[base + i] = c;
                cos[base + half + i] = c;
                sin[base + i] = s;
                sin[base + half + i] = s;
            }
        }
        Shape shape = new Shape(batch, 1, seq, headDim);
        return new NDArray[] {manager.create(cos, shape), manager.create(sin, shape)};
    }

    /** x * cos + rotate_half(x) * sin, for x [batch, heads, seq, headDim]. */
    public static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        int last = x.getShape().dimension() - 1;
        long half = x.getShape().get(last) / 2;
        var halves = x.split(new long[] {half}, last);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), last);
        return x.mul(cos).add(rotated.mul(sin));
    }
}
