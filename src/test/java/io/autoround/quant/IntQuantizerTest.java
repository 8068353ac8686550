package io.autoround.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.quant.format.HalfFloats;
import io.autoround.quant.scheme.SchemePresets;
import io.autoround.quant.scheme.SchemeResolver;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** INT edge cases, group layouts, the tuned form and bad inputs. */
class IntQuantizerTest {

    private static final QuantScheme W4 = SchemePresets.get("W4A16");
    private static final QuantScheme W4_ASYM = SchemeResolver.resolve("W4A16", Map.of("sym", false));
    private static final float FP16_1E5 = 1.0013580322265625e-05f;

    @Test
    void allZeroGroups() {
        QuantResult sym = IntQuantizer.quantize("z", new float[256], 2, 128, W4, QuantOptions.rtn(Precision.BF16));
        assertArrayEquals(new float[] {FP16_1E5, FP16_1E5}, sym.weight().scales(), "+fp16(1e-5), positive branch");
        for (int c : sym.weight().codes()) {
            assertEquals(8, c, "sym codes all maxq");
        }
        QuantResult asym = IntQuantizer.quantize("z", new float[128], 1, 128, W4_ASYM,
                QuantOptions.rtn(Precision.BF16));
        assertEquals(FP16_1E5, asym.weight().scales()[0]);
        assertEquals(0, asym.weight().zeros()[0]);
        assertEquals(0, asym.weight().codes()[5]);
    }

    @Test
    void symmetricUsesTheSignedExtremeAndFullRange() {
        float[] w = {0.5f, -0.25f, 0.125f, 0.3f};
        QuantScheme perRow = SchemeResolver.resolve("W4A16", Map.of("group_size", -1));
        QuantResult r = IntQuantizer.quantize("s", w, 1, 4, perRow, QuantOptions.rtn(Precision.FP32));
        assertEquals(-0.0625f, r.weight().scales()[0], "positive extreme gives a negative scale");
        assertEquals(0, r.weight().codes()[0], "the extreme maps to -8 (code 0)");
        assertEquals(0.5f, r.dequantized()[0]);
        assertEquals(12, r.weight().codes()[1], "-0.25 / -0.0625 = 4 -> code 12");
        assertEquals(6, r.weight().codes()[2], "0.125 / -0.0625 = -2 -> code 6");
        float[] neg = {-0.5f, 0.49f};
        QuantResult n = IntQuantizer.quantize("s", neg, 1, 2, perRow, QuantOptions.rtn(Precision.FP32));
        assertEquals(0.0625f, n.weight().scales()[0]);
        assertEquals(15, n.weight().codes()[1], "0.49/0.0625 = 7.84 clamps to maxq-1 = 7");
        float[] tiny = {3e-5f, -1e-5f};
        QuantResult t = IntQuantizer.quantize("s", tiny, 1, 2, perRow, QuantOptions.rtn(Precision.FP32));
        assertEquals(-FP16_1E5, t.weight().scales()[0], "negative scale clamps to -fp16(1e-5)");
    }

    @Test
    void groupLayouts() {
        float[] w = new float[3 * 200];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.37) * (1 + i % 7);
        }
        QuantResult g = IntQuantizer.quantize("g", w, 3, 200, W4, QuantOptions.rtn(Precision.FP32));
        assertEquals(6, g.weight().scales().length, "ceil(200/128) = 2 groups per row, the last 72 wide");
        assertEquals(2, g.weight().groupsPerRow());
        float max2 = 0;
        for (int c = 128; c < 200; c++) {
            max2 = Math.max(max2, Math.abs(w[400 + c]));
        }
        assertEquals(max2 / 8, Math.abs(g.weight().scales()[5]), max2 / 8 * 1e-3, "last group of row 2");
        QuantResult perTensor = IntQuantizer.quantize("g", w, 3, 200,
                SchemeResolver.resolve("W4A16", Map.of("group_size", 0)), QuantOptions.rtn(Precision.FP32));
        assertEquals(1, perTensor.weight().scales().length);
        assertEquals(1, perTensor.weight().zeros().length);
        QuantResult perRow = IntQuantizer.quantize("g", w, 3, 200,
                SchemeResolver.resolve("W4A16", Map.of("group_size", -1)), QuantOptions.rtn(Precision.FP32));
        assertEquals(3, perRow.weight().scales().length);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 200; c++) {
                int i = r * 200 + c;
                QuantizedWeight q = perRow.weight();
                assertEquals(perRow.dequantized()[i], (q.codes()[i] - q.zeros()[r]) * q.scales()[r], 0f, "value contract");
            }
        }
    }

    @Test
    void asymmetricBf16RoundsTheRangeTwice() {
        float[] w = {HalfFloats.roundToBf16(0.8301f), HalfFloats.roundToBf16(-0.4123f), 0.01f, -0.2f};
        QuantScheme perRow = SchemeResolver.resolve("W4A16", Map.of("group_size", -1, "sym", false));
        QuantResult bf = IntQuantizer.quantize("a", w, 1, 4, perRow, QuantOptions.rtn(Precision.BF16));
        QuantResult fp = IntQuantizer.quantize("a", w, 1, 4, perRow, QuantOptions.rtn(Precision.FP32));
        float range = w[0] - w[1];
        assertEquals(HalfFloats.roundToFp16(HalfFloats.roundToBf16(HalfFloats.roundToBf16(range) / 15)),
                bf.weight().scales()[0]);
        assertEquals(HalfFloats.roundToFp16(range / 15), fp.weight().scales()[0]);
        assertTrue(bf.weight().scales()[0] != fp.weight().scales()[0], "the two flows differ here");
        assertEquals((int) Math.rint(-w[1] / bf.weight().scales()[0]), bf.weight().zeros()[0]);
    }

    @Test
    void tunedFormAppliesVAndRangeFactors() {
        float[] w = new float[128];
        for (int i = 0; i < 128; i++) {
            w[i] = HalfFloats.roundToBf16((float) Math.cos(i * 1.3) * 0.05f);
        }
        QuantOptions rtn = QuantOptions.rtn(Precision.BF16);
        TuningParams neutral = new TuningParams(new float[128], new float[] {1f}, new float[] {1f});
        // Neutral parameters reproduce RTN for sym; for asym, per-group factor tensors promote to fp32.
        assertArrayEquals(IntQuantizer.quantize("t", w, 1, 128, W4, rtn).weight().codes(),
                IntQuantizer.quantize("t", w, 1, 128, W4, rtn.withTuning(neutral)).weight().codes());
        QuantResult asymTuned = IntQuantizer.quantize("t", w, 1, 128, W4_ASYM, rtn.withTuning(neutral));
        QuantResult asymFp32 = IntQuantizer.quantize("t", w, 1, 128, W4_ASYM, QuantOptions.rtn(Precision.FP32));
        assertArrayEquals(asymFp32.weight().scales(), asymTuned.weight().scales());
        // V shifts a single element's rounding.
        QuantResult base = IntQuantizer.quantize("t", w, 1, 128, W4, rtn);
        float s = base.weight().scales()[0];
        int i = 3;
        float frac = w[i] / s - (float) Math.floor(w[i] / s);
        float[] v = new float[128];
        v[i] = frac < 0.5f ? 0.5f - frac + 0.01f : -(frac - 0.5f) - 0.01f;
        QuantResult moved = IntQuantizer.quantize("t", w, 1, 128, W4, rtn.withTuning(new TuningParams(v, null, null)));
        assertEquals(1, Math.abs(moved.weight().codes()[i] - base.weight().codes()[i]), "V flips the rounding");
        for (int k = 0; k < 128; k++) {
            if (k != i) {
                assertEquals(base.weight().codes()[k], moved.weight().codes()[k]);
            }
        }
        // max_scale 0.5 on the positive side halves a positive-extreme scale; factors are clamped to [0, 1].
        TuningParams half = new TuningParams(null, new float[] {1f}, new float[] {0.5f});
        TuningParams over = new TuningParams(null, new float[] {3f}, new float[] {3f});
        float wmax = 0;
        float wminAbs = 0;
        for (float x : w) {
            wmax = Math.max(wmax, x);
            wminAbs = Math.max(wminAbs, -x);
        }
        float halfScale = IntQuantizer.quantize("t", w, 1, 128, W4, rtn.withTuning(half)).weight().scales()[0];
        float expected = wmax * 0.5f < wminAbs ? wminAbs / 8 : -(wmax * 0.5f) / 8;
        assertEquals(HalfFloats.roundToFp16(expected), halfScale);
        assertArrayEquals(base.weight().scales(),
                IntQuantizer.quantize("t", w, 1, 128, W4, rtn.withTuning(over)).weight().scales(), "clamped to 1");
    }

    @Test
    void badInputsFailClearly() {
        IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                () -> IntQuantizer.quantize("model.x", new float[10], 2, 8, W4, QuantOptions.rtn(Precision.FP32)));
        assertTrue(len.getMessage().contains("model.x: weight has 10 values, expected 2x8"), len.getMessage());
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
                () -> IntQuantizer.quantize("model.x", new float[16], 2, 8, W4,
                        QuantOptions.rtn(Precision.FP32).withTuning(new TuningParams(new float[3], null, null))));
        assertTrue(v.getMessage().contains("model.x: V has 3 values, expected 16"), v.getMessage());
        IllegalArgumentException fp = assertThrows(IllegalArgumentException.class,
                () -> WeightQuantizer.quantize("model.x", new float[16], 2, 8, SchemePresets.get("BF16"),
                        QuantOptions.rtn(Precision.FP32)));
        assertTrue(fp.getMessage().contains("keeps full precision"), fp.getMessage());
        IllegalArgumentException dq = assertThrows(IllegalArgumentException.class,
                () -> WeightQuantizer.quantize("model.x", new float[64], 2, 32, SchemePresets.get("GGUF:Q3_K_S"),
                        QuantOptions.rtn(Precision.FP32)));
        assertTrue(dq.getMessage().contains("model.x") && dq.getMessage().contains("256"), dq.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> new GroupLayout(0, 8, 128));
        assertTrue(shape.getMessage().contains("[0, 8]"), shape.getMessage());
    }
}
