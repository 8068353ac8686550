package io.autoround.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.export.gguf.GgmlBlockCodec;
import io.autoround.export.gguf.GgmlKBlockCodec;
import io.autoround.export.gguf.GgmlType;
import io.autoround.export.gguf.GgufLayerPacker;
import io.autoround.quant.format.HalfFloats;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The k-quant scale searches and RTN: known vectors, search quality, and exact file round trips. */
class GgufKQuantizerTest {

    @Test
    void asymSearchRecoversAnExactGrid() {
        float[] x = new float[32];
        float[] w = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = -1f + 0.125f * (i % 16);
            w[i] = 1f + Math.abs(x[i]);
        }
        assertArrayEquals(new float[] {0.125f, 1f}, KQuantSearch.scaleMin(x, 0, 32, w, 15, -1f, 0.1f, 20, false));
        // an all-positive group: the start min is clamped to 0 and fits with a positive min are refitted without
        // one (llama.cpp), so the returned min (the negated offset) is never negative
        float[] pos = {1f, 2f, 3f, 4f};
        float[] sm = KQuantSearch.scaleMin(pos, 0, 4, new float[] {1, 1, 1, 1}, 15, -1f, 0.1f, 20, false);
        assertTrue(sm[1] >= 0, "min " + sm[1]);
        float[] flat = {2f, 2f, 2f, 2f};
        assertArrayEquals(new float[] {2f / 15, 0f}, KQuantSearch.scaleMin(flat, 0, 4, new float[] {1, 1, 1, 1}, 15,
                -1f, 0.1f, 20, false), 1e-6f);
    }

    @Test
    void asymSearchBeatsPlainMinMax() {
        Random r = new Random(11);
        for (int t = 0; t < 50; t++) {
            float[] x = new float[32];
            float[] w = new float[32];
            for (int i = 0; i < 32; i++) {
                x[i] = (float) r.nextGaussian();
                w[i] = Math.abs(x[i]) + 0.5f;
            }
            float[] sm = KQuantSearch.scaleMin(x, 0, 32, w, 15, -1f, 0.1f, 20, false);
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float v : x) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            min = Math.min(min, 0);
            double plain = error(x, w, (max - min) / 15, -min);
            double searched = error(x, w, sm[0], sm[1]);
            assertTrue(searched <= plain, "trial " + t + ": " + searched + " > " + plain);
        }
    }

    private static double error(float[] x, float[] w, float scale, float negMin) {
        double e = 0;
        for (int i = 0; i < x.length; i++) {
            int l = Math.max(0, Math.min(15, (int) Math.rint((x[i] + negMin) / scale)));
            double d = scale * l - negMin - x[i];
            e += w[i] * d * d;
        }
        return e;
    }

    @Test
    void symSearchOnAProportionalVector() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = 0.25f * (i - 8);
        }
        // largest magnitude -2 -> iscale 16, codes 4(i-8) are exactly proportional: scale 1/16
        assertEquals(0.0625f, KQuantSearch.symScale(x, 0, 16, 32));
        assertEquals(0f, KQuantSearch.symScale(new float[16], 0, 16, 32));
        // Q3_K: codes in [-4, 3]; x = 0.5 * (i % 8 - 4) is exactly proportional to them at scale 0.5
        float[] y = new float[16];
        for (int i = 0; i < 16; i++) {
            y[i] = 0.5f * (i % 8 - 4);
        }
        assertEquals(0.5f, KQuantSearch.q3Scale(y, 0, 16, 4));
    }

    @Test
    void quantizedWeightsPackToFilesThatDequantizeExactly() {
        Random r = new Random(3);
        int rows = 4;
        int cols = 512;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.05);
        }
        w[7] = 0.9f; // an outlier
        for (GgmlType t : new GgmlType[] {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            QuantResult q = WeightQuantizer.quantize("l", w, rows, cols, GgufLayerPacker.schemeOf(t),
                    QuantOptions.rtn(Precision.FP32));
            byte[] file = GgufLayerPacker.pack(q.weight(), t, null);
            assertEquals(t.bytesFor(w.length), file.length);
            float[] back = GgmlBlockCodec.dequantize(t, file, w.length);
            assertArrayEquals(q.dequantized(), back, t.name());
            assertArrayEquals(q.dequantized(), io.autoround.export.Dequantizer.dequantize(q.weight()), t.name());
            GgmlKBlockCodec.Blocks b = GgmlKBlockCodec.unpack(t, file, w.length);
            for (float d : b.d()) {
                assertEquals(d, HalfFloats.fp16BitsToFloat(HalfFloats.toFp16Bits(d)), t + " d is fp16");
            }
            // error small relative to the spread: RMSE below a quarter of the 4-bit step
            double se = 0;
            for (int i = 0; i < w.length; i++) {
                se += (w[i] - back[i]) * (w[i] - back[i]);
            }
            double rmse = Math.sqrt(se / w.length);
            double bound = t == GgmlType.Q2_K ? 0.03 : t == GgmlType.Q3_K ? 0.02 : t == GgmlType.Q4_K ? 0.012 : t == GgmlType.Q5_K ? 0.006 : 0.003;
            assertTrue(rmse < bound, t + " rmse " + rmse);
        }
    }

    @Test
    void rowPermutationMovesRowsWithTheirScales() {
        Random r = new Random(8);
        float[] w = new float[4 * 256];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian() * (1 + i / 256);
        }
        int[] source = {2, 0, 3, 1};
        for (GgmlType t : new GgmlType[] {GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q6_K}) {
            QuantResult q = WeightQuantizer.quantize("l", w, 4, 256, GgufLayerPacker.schemeOf(t),
                    QuantOptions.rtn(Precision.FP32));
            float[] back = GgmlBlockCodec.dequantize(t, GgufLayerPacker.pack(q.weight(), t, source), w.length);
            for (int row = 0; row < 4; row++) {
                float[] expected = java.util.Arrays.copyOfRange(q.dequantized(), source[row] * 256, source[row] * 256 + 256);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(back, row * 256, row * 256 + 256), t + " row " + row);
            }
        }
    }

    @Test
    void q4kMatchesTheStoredSuperScales() {
        float[] w = new float[256];
        for (int i = 0; i < 256; i++) {
            w[i] = (i % 32) * 0.01f - 0.05f * (i / 32);
        }
        QuantResult q = WeightQuantizer.quantize("l", w, 1, 256, GgufLayerPacker.schemeOf(GgmlType.Q4_K),
                QuantOptions.rtn(Precision.FP32));
        byte[] file = GgufLayerPacker.pack(q.weight(), GgmlType.Q4_K, null);
        GgmlKBlockCodec.Blocks b = GgmlKBlockCodec.unpack(GgmlType.Q4_K, file, 256);
        int maxSc = 0;
        int maxMin = 0;
        for (int j = 0; j < 8; j++) {
            assertEquals(b.d()[0] * b.scales()[j], q.weight().scales()[j]);
            assertEquals(-(b.dmin()[0] * b.mins()[j]), q.weight().mins()[j]);
            maxSc = Math.max(maxSc, b.scales()[j]);
            maxMin = Math.max(maxMin, b.mins()[j]);
        }
        // the largest sub-block scale and min map to 63 (d = fp16(max / 63))
        assertEquals(63, maxSc);
        assertEquals(63, maxMin);
    }

    @Test
    void refusesBadShapesAndTuning() {
        QuantScheme s = GgufLayerPacker.schemeOf(GgmlType.Q4_K);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GgufKQuantizer.quantize("blk", new float[384], 1, 384, s, QuantOptions.rtn(Precision.FP32)));
        assertTrue(e.getMessage().contains("blk") && e.getMessage().contains("256"), e.getMessage());
        QuantScheme q3 = new QuantScheme(3, 32, false, "int_asym_dq", 16, 32, false, "float", true, 6, 8);
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> GgufKQuantizer.quantize("blk", new float[256], 1, 256, q3, QuantOptions.rtn(Precision.FP32)));
        assertTrue(u.getMessage().contains("not implemented yet"), u.getMessage());
    }
}
