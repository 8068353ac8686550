package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.GroupLayout;
import io.autoround.quant.NvFp4Quantizer;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantResult;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.TuningParams;
import io.autoround.quant.WeightQuantizer;
import io.autoround.testutil.SharedData;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The differentiable MXFP / NVFP4 / FP8 quant-dequant used for tuning equals the scalar quantizers (the final
 * quantization) element for element, and its learnable parameters receive gradients.
 */
class FpQuantDequantParityTest {
    private static final int ROWS = 128;
    private static final int COLS = 256;

    static QuantScheme scheme(String name) {
        return switch (name) {
            case "MXFP4" -> fp(4, 32, "mx_fp");
            case "MXFP4_RCEIL" -> fp(4, 32, "mx_fp_rceil");
            case "MXFP6" -> fp(6, 32, "mx_fp");
            case "MXFP8" -> fp(8, 32, "mx_fp");
            case "NVFP4" -> fp(4, 16, "nv_fp");
            case "FPW8A16" -> fp(8, 0, "fp");
            case "FP8_ROW" -> fp(8, -1, "fp");
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static QuantScheme fp(int bits, int group, String dt) {
        return new QuantScheme(bits, group, true, dt, 16, group, true, "float", true, null, null);
    }

    /**
     * Real k_proj weights (bf16) with crafted rows: row 0 holds E2M1 grid ties (0.25, 0.75, ..., 5) and their fp32
     * neighbours under a group max of 4 (MX scale 1), row 1 E4M3 ties scaled by 2^-6 (max 7, so the FP8 scale is 2^-6), row 2 is all zeros, and a
     * sprinkle of zeros elsewhere. V and max_scale are left neutral on rows 0-2 so the ties stay ties.
     */
    static float[] weights() {
        float[] w;
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(SharedData.golden("formats/source-qwen3"))) {
            w = c.readFloats("model.layers.0.self_attn.k_proj.weight");
        }
        float[] fp4Ties = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f};
        float[] e4m3Ties = {1.0625f, 1.1875f, 2.125f, 0.0009765625f * 3, 0.01171875f * 1.5f, 17f, 200f, 440f};
        for (int c = 0; c < COLS; c++) {
            float t = fp4Ties[c % fp4Ties.length];
            int k = (c / fp4Ties.length) % 3;
            float v0 = k == 0 ? t : k == 1 ? Math.nextUp(t) : Math.nextDown(t);
            w[c] = (c % 32 == 31) ? 4f : ((c & 1) == 0 ? v0 : -v0);
            float e = e4m3Ties[c % e4m3Ties.length];
            // 448 * 2^-6 = 7 is the row's (and the tensor's) max: FP8 scale exactly 2^-6, so these stay ties
            w[COLS + c] = c == COLS - 1 ? 7f : (c % 2 == 0 ? e : -e) * 0x1p-6f;
            w[2 * COLS + c] = 0f;
        }
        for (int i = 3 * COLS; i < w.length; i += 37) {
            w[i] = 0f;
        }
        return w;
    }

    @ParameterizedTest
    @ValueSource(strings = {"MXFP4", "MXFP4_RCEIL", "MXFP6", "MXFP8", "NVFP4", "FPW8A16", "FP8_ROW"})
    void djlTuningQdqMatchesScalarQuantizer(String name) {
        QuantScheme s = scheme(name);
        float[] w = weights();
        GroupLayout layout = GroupLayout.of(ROWS, COLS, s);
        Random rnd = new Random(name.hashCode());
        float[] v = new float[w.length];
        float[] maxScale = new float[layout.numGroups()];
        for (int i = 3 * COLS; i < v.length; i++) {
            v[i] = rnd.nextFloat() - 0.5f;
        }
        for (int g = 0; g < maxScale.length; g++) {
            // neutral on the crafted rows; the per-tensor case keeps 1 so its E4M3 ties stay ties (FP8_ROW covers
            // random FP8 max_scale)
            maxScale[g] = layout.rowStart(g) < 3 ? 1f : 0.5f + 0.5f * rnd.nextFloat();
        }
        // a fused partner with a larger magnitude gives NVFP4 a shared global scale below this weight's own
        float gs = NvFp4Quantizer.sharedGlobalScale(java.util.List.of(w, new float[] {9.5f}));
        QuantOptions opts = QuantOptions.rtn(Precision.FP32).withTuning(new TuningParams(v, null, maxScale));
        if (name.equals("NVFP4")) {
            opts = opts.withNvGlobalScale(gs);
        }
        float amax = 0f;
        for (float x : w) {
            amax = Math.max(amax, Math.abs(x));
        }
        assertEquals(7f, amax, "the crafted FP8 ties need the tensor max 7");
        float[] scalar = WeightQuantizer.quantize("k", w, ROWS, COLS, s, opts).dequantized();
        float[] djl;
        try (NDManager m = NDManager.newBaseManager()) {
            LinearTuningParams p = new LinearTuningParams(m, "k", s, m.create(w, new Shape(ROWS, COLS)), true,
                    name.equals("NVFP4") ? gs : Float.NaN);
            assertEquals(null, p.minScale, "MX/NV/FP8 tune no min_scale");
            p.v.set(v);
            p.maxScale.set(maxScale);
            djl = p.qdqWeight().toFloatArray();
        }
        int diff = 0;
        String first = "";
        for (int i = 0; i < djl.length; i++) {
            // numeric equality (+0.0 == -0.0): signs of zero are irrelevant to the dequantized weight
            if (djl[i] != scalar[i]) {
                if (diff++ == 0) {
                    first = " first at " + i + ": w " + w[i] + " v " + v[i] + " djl " + djl[i] + " scalar " + scalar[i];
                }
            }
        }
        assertEquals(0, diff, name + ": elements differing between DJL and scalar qdq;" + first);
        int nonZero = 0;
        for (float x : scalar) {
            nonZero += x != 0f ? 1 : 0;
        }
        assertTrue(nonZero > w.length / 2, name + ": the comparison covers mostly non-zero values (" + nonZero + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"MXFP4", "MXFP8", "NVFP4", "FPW8A16"})
    void vAndMaxScaleReceiveGradients(String name) {
        QuantScheme s = scheme(name);
        float[] w = weights();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray weight = m.create(w, new Shape(ROWS, COLS));
            LinearTuningParams p = new LinearTuningParams(m, "k", s, weight, true);
            NDArray x = m.randomNormal(new Shape(8, COLS));
            NDArray target = x.matMul(weight.transpose());
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = x.matMul(p.qdqWeight().transpose()).sub(target).square().mean();
                gc.backward(loss.mul(1000f));
            }
            float[] gv = p.v.getGradient().toFloatArray();
            float[] gm = p.maxScale.getGradient().toFloatArray();
            assertTrue(countNonZeroFinite(gv) > gv.length / 4, name + ": V gradients " + countNonZeroFinite(gv) + "/" + gv.length);
            assertTrue(countNonZeroFinite(gm) >= Math.max(1, gm.length / 4),
                    name + ": max_scale gradients " + countNonZeroFinite(gm) + "/" + gm.length);
            for (float g : gv) {
                assertTrue(Float.isFinite(g), name + ": V gradient not finite");
            }
            for (float g : gm) {
                assertTrue(Float.isFinite(g), name + ": max_scale gradient not finite");
            }
        }
    }

    private static int countNonZeroFinite(float[] a) {
        int n = 0;
        for (float x : a) {
            n += x != 0f && Float.isFinite(x) ? 1 : 0;
        }
        return n;
    }
}
