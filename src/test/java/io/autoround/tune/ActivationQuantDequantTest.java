package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.autoround.quant.ActivationQuant;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.scheme.SchemePresets;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The differentiable activation quant-dequant of tuning against the scalar one of inference
 * ({@link ActivationQuant#apply}) bit for bit, and its gradients: to the input through the rounding, and to the
 * MX act_max_scale when it is tuned.
 */
class ActivationQuantDequantTest {
    private static final int TOKENS = 2 * 7;
    private static final int COLS = 96;

    /** Gaussian inputs with per-token magnitudes over six octaves, a few exact zeros and outliers. */
    private static float[] inputs(long seed) {
        Random r = new Random(seed);
        float[] x = new float[TOKENS * COLS];
        for (int t = 0; t < TOKENS; t++) {
            float mag = (float) Math.scalb(1.0, t % 7 - 3);
            for (int c = 0; c < COLS; c++) {
                x[t * COLS + c] = (float) r.nextGaussian() * mag;
            }
        }
        x[5] = 0f;
        x[COLS + 3] = 40f;
        x[3 * COLS + 17] = -0.001f;
        return x;
    }

    private static int differing(float[] a, float[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {"MXFP4", "MXFP8", "MXFP4_RCEIL", "MXFP8_RCEIL"})
    void mxMatchesScalarInferenceQdq(String preset) {
        QuantScheme s = SchemePresets.get(preset);
        assertEquals(ActivationQuant.MX_DYNAMIC, ActivationQuant.of(s), preset);
        float[] x = inputs(11);
        float[] scalar = ActivationQuant.apply(s, x, TOKENS, COLS, Float.NaN);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x, new Shape(2, 7, COLS));
            float[] djl = ActivationQuantDequant.qdq("l", in, s, Float.NaN, null).toFloatArray();
            assertEquals(0, differing(djl, scalar), preset + ": DJL vs scalar activation qdq");
            float[] one = ActivationQuantDequant.qdq("l", in, s, Float.NaN, m.ones(new Shape(1))).toFloatArray();
            assertEquals(0, differing(one, scalar), preset + ": act_max_scale 1 is the identity factor");
        }
        assertTrue(differing(scalar, x) > x.length / 4, preset + ": quantization changed the inputs");
    }

    @Test
    void nvfp4StaticAndPerCallScalesMatchScalar() {
        QuantScheme s = SchemePresets.get("NVFP4");
        assertEquals(ActivationQuant.NV_STATIC, ActivationQuant.of(s));
        float[] x = inputs(12);
        float amax = 0f;
        for (float v : x) {
            amax = Math.max(amax, Math.abs(v));
        }
        // calibration saw a larger max than this batch: the static scale differs from the batch's own
        float staticGs = ActivationQuant.nvGlobalScale(amax * 1.7f);
        float ownGs = ActivationQuant.nvGlobalScale(amax);
        float[] scalarStatic = ActivationQuant.apply(s, x, TOKENS, COLS, staticGs);
        float[] scalarOwn = ActivationQuant.apply(s, x, TOKENS, COLS, ownGs);
        assertTrue(differing(scalarStatic, scalarOwn) > 0, "static and per-call global scales give different grids");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x, new Shape(2, 7, COLS));
            assertEquals(0, differing(ActivationQuantDequant.qdq("l", in, s, staticGs, null).toFloatArray(), scalarStatic),
                    "static global scale");
            assertEquals(0, differing(ActivationQuantDequant.qdq("l", in, s, Float.NaN, null).toFloatArray(), scalarOwn),
                    "per-call global scale");
            float[] next = ActivationQuantDequant.forNextBlockInputs("l", s, Float.NaN).apply(in).toFloatArray();
            assertEquals(0, differing(next, scalarOwn), "next-block inputs use the per-call scale");
        }
    }

    /** Element i is the largest |x| of its group (its gradient also flows through the group scale). */
    private static boolean[] groupMax(float[] x, int group) {
        boolean[] out = new boolean[x.length];
        for (int g = 0; g < x.length / group; g++) {
            int best = g * group;
            for (int i = g * group; i < (g + 1) * group; i++) {
                best = Math.abs(x[i]) > Math.abs(x[best]) ? i : best;
            }
            out[best] = true;
        }
        return out;
    }

    @Test
    void nvfp4InputGradientIsStraightThrough() {
        QuantScheme s = SchemePresets.get("NVFP4");
        float[] x = inputs(13);
        float[] r = inputs(14);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray in = m.create(x, new Shape(TOKENS, COLS));
            in.setRequiresGradient(true);
            NDArray weights = m.create(r, new Shape(TOKENS, COLS));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray q = ActivationQuantDequant.qdq("l", in, s, ActivationQuant.nvGlobalScale(50f), null);
                gc.backward(q.mul(weights).sum());
            }
            float[] g = in.getGradient().toFloatArray();
            boolean[] max = groupMax(x, 16);
            int passed = 0;
            for (int i = 0; i < g.length; i++) {
                if (!max[i] && x[i] != 0f) {
                    // d/dx fp4(clamp(x * r, ±6)) / r through the STE: 1 up to one rounding, 0 where the clamp cuts
                    boolean straight = Math.abs(g[i] - r[i]) <= 1e-6f * Math.abs(r[i]) + 1e-7f;
                    assertTrue(straight || g[i] == 0f, "input gradient " + i + ": " + g[i] + " vs weight " + r[i]);
                    passed += straight ? 1 : 0;
                }
            }
            assertTrue(passed > g.length * 8 / 10, "straight-through gradients " + passed + "/" + g.length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MXFP4", "MXFP8"})
    void mxGradientsReachInputAndActMaxScale(String preset) {
        QuantScheme s = SchemePresets.get(preset);
        float[] x = inputs(15);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(8, COLS));
            LinearTuningParams p = new LinearTuningParams(m, "k", s, w, true, Float.NaN, Float.NaN, true);
            assertNotNull(p.actMaxScale, "act_max_scale is tuned when asked for");
            UnaryOperator<NDArray> qdq = p.inputQdq();
            NDArray in = m.create(x, new Shape(2, 7, COLS));
            in.setRequiresGradient(true);
            NDArray target = in.stopGradient().matMul(w.transpose());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = qdq.apply(in).matMul(p.qdqWeight().transpose()).sub(target).square().mean();
                gc.backward(loss.mul(1000f));
            }
            float ga = p.actMaxScale.getGradient().getFloat();
            assertTrue(Float.isFinite(ga) && ga != 0f, preset + ": act_max_scale gradient " + ga);
            float[] gx = in.getGradient().toFloatArray();
            int nonZero = 0;
            for (float g : gx) {
                assertTrue(Float.isFinite(g), preset + ": input gradient not finite");
                nonZero += g != 0f ? 1 : 0;
            }
            assertTrue(nonZero > gx.length * 9 / 10, preset + ": non-zero input gradients " + nonZero + "/" + gx.length);
        }
    }

    @Test
    void staticNvfp4TunesNoActMaxScaleAndNeedsCalibration() {
        QuantScheme s = SchemePresets.get("NVFP4");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.randomNormal(new Shape(8, COLS));
            // the reference's nv_fp4_with_static_gs ignores max_scale: nothing to tune
            LinearTuningParams p = new LinearTuningParams(m, "k", s, w, true, Float.NaN, 3f, true);
            assertNull(p.actMaxScale);
            assertEquals(ActivationQuant.nvGlobalScale(3f), p.actGlobalScale, 0f);
            LinearTuningParams missing = new LinearTuningParams(m, "layers.0.q", s, w, true, Float.NaN, Float.NaN, false);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    missing::inputQdq);
            assertTrue(e.getMessage().contains("layers.0.q") && e.getMessage().contains("act_max"), e.getMessage());
            assertNull(new LinearTuningParams(m, "k", SchemePresets.get("W4A16"), w, true).inputQdq(),
                    "weight-only schemes leave inputs alone");
        }
    }
}
