package io.autoround.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.autoround.model.safetensors.SafetensorsCheckpoint;
import io.autoround.quant.IntQuantizer;
import io.autoround.quant.Precision;
import io.autoround.quant.QuantOptions;
import io.autoround.quant.QuantResult;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.ScaleDtype;
import io.autoround.quant.TuningParams;
import io.autoround.testutil.SharedData;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The final INT quantization computed on the tuning device equals the scalar quantizer's bit for bit: codes, scales,
 * zero points and the fake-quantized weight, for sym and asym, padded groups, per-row and per-tensor layouts, clamped
 * min/max factors, an all-zero group (threshold scale) and a bf16 model.
 */
class DeviceIntFinalizationTest {

    @Test
    void deviceFinalQuantizationMatchesScalarQuantizer() {
        float[] k;
        try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(SharedData.golden("formats/source-qwen3"))) {
            k = c.readFloats("model.layers.0.self_attn.k_proj.weight"); // [128, 256], bf16 widened
        }
        QuantScheme[] schemes = {QuantScheme.weightOnlyInt(4, 128, true), QuantScheme.weightOnlyInt(2, 64, true),
            QuantScheme.weightOnlyInt(4, 128, false), QuantScheme.weightOnlyInt(3, -1, true),
            QuantScheme.weightOnlyInt(8, 32, false), QuantScheme.weightOnlyInt(4, 32, true),
            QuantScheme.weightOnlyInt(4, 0, false), QuantScheme.weightOnlyInt(8, 0, true)};
        Random rnd = new Random(11);
        int checked = 0;
        for (int cols : new int[] {256, 200}) { // 200: the last group of 32/64/128 is zero-padded
            float[] w = leftColumns(k, 128, 256, cols);
            java.util.Arrays.fill(w, 0, 64, 0f); // the first group of row 0 is all zero: the threshold scale
            for (QuantScheme s : schemes) {
                for (Precision precision : Precision.values()) {
                    for (boolean minmax : new boolean[] {true, false}) {
                        checked += compare(w, 128, cols, s, precision, minmax, rnd) ? 1 : 0;
                    }
                }
            }
        }
        assertEquals(2 * 8 * 2 * 2 - 2 * 3, checked, "every combination but asym bf16 without min/max runs on the device");
    }

    /** Returns false when the device path does not cover the combination (after checking the rule). */
    private static boolean compare(float[] w, int rows, int cols, QuantScheme s, Precision precision, boolean minmax,
            Random rnd) {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearTuningParams p = new LinearTuningParams(m, "layer", s, m.create(w, new Shape(rows, cols)), minmax);
            DeviceIntFinalization device = new DeviceIntFinalization(precision, ScaleDtype.FP16);
            if (!device.covers(p)) {
                assertFalse(s.sym() || minmax || precision == Precision.FP32, s + " " + precision + " should be covered");
                return false;
            }
            int groups = s.groupSize() == 0 ? 1 : rows * s.groupsPerRow(cols);
            float[] v = new float[rows * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = (rnd.nextFloat() - 0.5f) * 0.98f;
            }
            float[] mn = null;
            float[] mx = null;
            if (minmax) {
                mn = new float[groups];
                mx = new float[groups];
                for (int g = 0; g < groups; g++) {
                    mn[g] = 0.5f + 0.8f * rnd.nextFloat(); // some above 1: both paths clamp them
                    mx[g] = 0.5f + 0.8f * rnd.nextFloat();
                }
                if (p.minScale != null) {
                    p.minScale.set(mn);
                }
                p.maxScale.set(mx);
            }
            p.v.set(grouped(p, v));
            QuantResult scalar = IntQuantizer.quantize("layer", w, rows, cols, s,
                    QuantOptions.rtn(precision).withTuning(new TuningParams(v, minmax ? mn : null, minmax ? mx : null)));
            FinalizedLinear onDevice = device.finish(p, m);
            String what = s + " cols " + cols + " " + precision + (minmax ? " minmax" : "");
            assertArrayEquals(scalar.weight().scales(), onDevice.weight().scales(), what + ": scales");
            assertArrayEquals(scalar.weight().zeros(), onDevice.weight().zeros(), what + ": zero points");
            assertArrayEquals(scalar.weight().codes(), onDevice.weight().codes(), what + ": codes");
            float[] a = scalar.dequantized();
            float[] b = onDevice.dequantized().toFloatArray();
            assertArrayEquals(new long[] {rows, cols}, onDevice.dequantized().getShape().getShape(), what + ": shape");
            assertEquals(a.length, b.length, what);
            for (int i = 0; i < a.length; i++) {
                // numeric equality: the scalar path keeps rint's -0.0 where the level is a negative fraction rounded to 0
                assertTrue(a[i] == b[i], what + ": dequantized weight differs at " + i + ": " + a[i] + " vs " + b[i]);
            }
            assertTrue(java.util.Arrays.stream(onDevice.weight().codes()).distinct().count() > 2, what + ": codes vary");
            return true;
        }
    }

    private static float[] leftColumns(float[] w, int rows, int cols, int keep) {
        float[] out = new float[rows * keep];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, r * cols, out, r * keep, keep);
        }
        return out;
    }

    private static float[] grouped(LinearTuningParams p, float[] rowMajor) {
        float[] g = new float[p.rows * p.paddedCols];
        for (int r = 0; r < p.rows; r++) {
            System.arraycopy(rowMajor, r * p.cols, g, r * p.paddedCols, p.cols);
        }
        return g;
    }
}
