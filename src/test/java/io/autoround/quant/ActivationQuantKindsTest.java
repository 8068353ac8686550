package io.autoround.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.quant.format.Float8E4M3;
import io.autoround.quant.scheme.SchemePresets;
import org.junit.jupiter.api.Test;

/** The FP8 and int activation quant-dequant kinds of FP8_STATIC, FP8_BLOCK and INT8 W8A8, against hand-computed values. */
class ActivationQuantKindsTest {

    @Test
    void presetsMapToTheirActivationKinds() {
        assertEquals(ActivationQuant.FP8_STATIC, ActivationQuant.of(SchemePresets.get("FP8_STATIC")));
        assertEquals(ActivationQuant.FP8_DYNAMIC, ActivationQuant.of(SchemePresets.get("FP8_BLOCK")));
        assertEquals(ActivationQuant.INT_DYNAMIC, ActivationQuant.of(SchemePresets.get("INT8")));
        assertEquals(ActivationQuant.NONE, ActivationQuant.of(SchemePresets.get("FPW8A16")));
        assertTrue(ActivationQuant.FP8_STATIC.staticScale() && ActivationQuant.NV_STATIC.staticScale());
        assertFalse(ActivationQuant.FP8_DYNAMIC.staticScale() || ActivationQuant.FP8_STATIC.tunable());
        assertNull(ActivationQuant.unsupportedReason(SchemePresets.get("FP8_BLOCK"), 300),
                "a partial last group of 128 is fine for dynamic FP8 (per token and group)");
    }

    @Test
    void fp8StaticUsesTheStoredScale() {
        float scale = ActivationQuant.fp8InputScale(8.96f, Precision.FP32);
        assertEquals(8.96f / 448f, scale);
        assertEquals(1f / (448f * 512f), ActivationQuant.fp8InputScale(0f, Precision.FP32), "scale floor");
        float[] x = {8.96f, -0.3f, 100f};
        float[] q = ActivationQuant.apply(SchemePresets.get("FP8_STATIC"), x, 1, 3, scale);
        assertEquals(8.96f, q[0], 1e-6f, "act_max maps to 448");
        assertEquals(Float8E4M3.round(-0.3f / scale) * scale, q[1]);
        assertEquals(448f * scale, q[2], "beyond the calibrated range clamps to ±448");
        assertThrows(IllegalArgumentException.class,
                () -> ActivationQuant.apply(SchemePresets.get("FP8_STATIC"), x, 1, 3, Float.NaN));
    }

    @Test
    void fp8DynamicHasOneScalePerTokenAndGroup() {
        int cols = 130; // groups of 128 and 2
        float[] x = new float[2 * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37) * (i < cols ? 1f : 50f);
        }
        x[cols - 1] = 7f; // the short second group of token 0 has its own max
        float[] q = ActivationQuant.apply(SchemePresets.get("FP8_BLOCK"), x, 2, cols, Float.NaN);
        assertEquals(7f, q[cols - 1], 1e-6f);
        float amax = 0f;
        for (int c = 0; c < 128; c++) {
            amax = Math.max(amax, Math.abs(x[cols + c]));
        }
        float s = amax / 448f;
        for (int c = 0; c < 128; c++) {
            assertEquals(Float8E4M3.round(x[cols + c] / s) * s, q[cols + c], "token 1 element " + c);
        }
    }

    @Test
    void int8PerTokenUsesSymmetricIntWithAllLevels() {
        float[] x = {1.27f, -0.5f, 0.01f, 0f, 100f, -200f, 3f, 0.5f};
        float[] q = ActivationQuant.apply(SchemePresets.get("INT8"), x, 2, 4, Float.NaN);
        // token 0: the extreme value 1.27 is positive, so it maps to -128 with a negative scale (fp16), codes in
        // [-128, 127] (the reference's full-range int_sym)
        float s0 = io.autoround.quant.format.HalfFloats.roundToFp16(-1.27f / 128f);
        for (int c = 0; c < 4; c++) {
            float code = Math.max(-128f, Math.min(127f, (float) Math.rint(x[c] / s0)));
            assertEquals(code * s0, q[c], 1e-7f, "token 0 element " + c);
        }
        float s1 = io.autoround.quant.format.HalfFloats.roundToFp16(200f / 128f);
        assertEquals(-128f * s1, q[5], 1e-4f, "token 1 has its own scale; -max maps to -128");
    }
}
