package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.autoround.quant.QuantScheme;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The written-out INT quant-dequant backward gives the gradients autograd gives through the differentiable
 * quant-dequant: V's bit for bit, the clipping scales' to float rounding; and its forward is the same fake-quantized
 * weight.
 */
class IntQdqGradientsTest {

    @Test
    void handWrittenBackwardMatchesAutograd() {
        Random rnd = new Random(3);
        int rows = 48;
        int checked = 0;
        for (QuantScheme s : new QuantScheme[] {QuantScheme.weightOnlyInt(4, 32, true), QuantScheme.weightOnlyInt(2, 32, false),
                QuantScheme.weightOnlyInt(3, -1, true), QuantScheme.weightOnlyInt(4, 64, false)}) {
            for (int cols : new int[] {128, 100}) { // 100: the last group is zero-padded
                for (boolean minmax : new boolean[] {true, false}) {
                    compare(s, rows, cols, minmax, rnd);
                    checked++;
                }
            }
        }
        assertEquals(16, checked);
    }

    private static void compare(QuantScheme s, int rows, int cols, boolean minmax, Random rnd) {
        float[] w = new float[rows * cols];
        float[] g = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.05f;
            g[i] = (float) rnd.nextGaussian();
        }
        String what = s + " cols " + cols + (minmax ? " minmax" : "");
        try (NDManager m = NDManager.newBaseManager()) {
            LinearTuningParams auto = params(m, s, w, rows, cols, minmax, new Random(9));
            LinearTuningParams hand = params(m, s, w, rows, cols, minmax, new Random(9));
            NDArray grad = m.create(g, new Shape(rows, cols));
            NDArray reference = auto.qdqWeight();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(auto.qdqWeight().mul(grad).sum());
            }
            NDArray check;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                check = IntQdqGradients.backward(hand, grad, gc);
            }
            float[] qdq = reference.toFloatArray();
            float[] forward = IntQdqGradients.halfWeight(hand, DataType.FLOAT32).toFloatArray();
            float[] half = IntQdqGradients.halfWeight(hand, DataType.FLOAT16).toType(DataType.FLOAT32, false).toFloatArray();
            float[] refHalf = reference.toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < qdq.length; i++) {
                assertTrue(qdq[i] == forward[i] && refHalf[i] == half[i], what + ": forward differs at " + i);
            }
            float[] vAuto = auto.v.getGradient().toFloatArray();
            float[] vHand = hand.v.getGradient().toFloatArray();
            int nonZero = 0;
            for (int i = 0; i < vAuto.length; i++) {
                assertTrue(vAuto[i] == vHand[i], what + ": dL/dV differs at " + i + ": " + vAuto[i] + " vs " + vHand[i]);
                nonZero += vAuto[i] != 0 ? 1 : 0;
            }
            assertTrue(nonZero > vAuto.length / 2, what + ": most of V gets a gradient");
            if (minmax) {
                for (String side : new String[] {"max", "min"}) {
                    NDArray a = side.equals("max") ? auto.maxScale : auto.minScale;
                    NDArray h = side.equals("max") ? hand.maxScale : hand.minScale;
                    if (a == null) {
                        continue;
                    }
                    assertClose(a.getGradient().toFloatArray(), h.getGradient().toFloatArray(), what + " " + side + "_scale");
                }
            }
            assertTrue(Float.isFinite(check.sum().getFloat()), what + ": the overflow check of finite gradients is finite");
        }
    }

    private static LinearTuningParams params(NDManager m, QuantScheme s, float[] w, int rows, int cols, boolean minmax,
            Random rnd) {
        LinearTuningParams p = new LinearTuningParams(m, "layer", s, m.create(w, new Shape(rows, cols)), minmax);
        float[] v = new float[(int) p.v.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (rnd.nextFloat() - 0.5f) * 0.9f;
        }
        p.v.set(v);
        for (NDArray scale : new NDArray[] {p.minScale, p.maxScale}) {
            if (scale != null) {
                float[] f = new float[(int) scale.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = 0.6f + 0.4f * rnd.nextFloat();
                }
                scale.set(f);
            }
        }
        return p;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        double maxAbs = 0;
        for (float e : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        assertTrue(maxAbs > 0, what + ": gradient is not all zero");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4 * maxAbs, what + " gradient at " + i);
        }
    }
}
