package io.autoround.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The fused attention the GPU uses, run on the CPU against the op chain the CPU uses: same outputs and the same
 * gradient for q, k and v (autograd records through the scripted call), with a causal additive mask.
 */
class ScaledDotProductAttentionTest {

    @Test
    void fusedAttentionMatchesTheOpChainForwardAndBackward() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Engine.getInstance().setRandomSeed(3);
            int b = 2;
            int h = 4;
            int s = 6;
            int d = 8;
            float scale = (float) Math.pow(d, -0.5);
            NDArray mask = causalMask(m, s);
            float[][] fused = run(m, b, h, s, d, scale, mask, true);
            float[][] chain = run(m, b, h, s, d, scale, mask, false);
            String[] what = {"output", "dq", "dk", "dv"};
            for (int i = 0; i < what.length; i++) {
                assertArrayEquals(chain[i], fused[i], 2e-5f, what[i]);
                double norm = 0;
                for (float x : fused[i]) {
                    norm += Math.abs(x);
                }
                assertTrue(norm > 1e-3, what[i] + " is not all zeros");
            }
        }
    }

    private static float[][] run(NDManager m, int b, int h, int s, int d, float scale, NDArray mask, boolean fused) {
        Engine.getInstance().setRandomSeed(3);
        NDArray q = m.randomNormal(new Shape(b, h, s, d));
        NDArray k = m.randomNormal(new Shape(b, h, s, d));
        NDArray v = m.randomNormal(new Shape(b, h, s, d));
        NDArray w = m.randomNormal(new Shape(b, h, s, d)); // a fixed direction: loss = sum(out * w)
        for (NDArray a : new NDArray[] {q, k, v}) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out = fused ? ScaledDotProductAttention.apply(q, k, v, mask, scale)
                    : q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(mask).softmax(-1).matMul(v);
            gc.backward(out.mul(w).sum());
            return new float[][] {out.toFloatArray(), q.getGradient().toFloatArray(), k.getGradient().toFloatArray(),
                v.getGradient().toFloatArray()};
        }
    }

    private static NDArray causalMask(NDManager m, int s) {
        float[] mask = new float[s * s];
        for (int i = 0; i < s; i++) {
            for (int j = i + 1; j < s; j++) {
                mask[i * s + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return m.create(mask, new Shape(1, 1, s, s));
    }
}
