package io.autoround.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.autoround.quant.format.Float4E2M1;
import io.autoround.quant.format.Float8E4M3;
import io.autoround.quant.scheme.SchemePresets;
import io.autoround.quant.scheme.SchemeResolver;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MXFP / NVFP4 / FP8 quant-dequant on small hand-checked vectors. */
class FpQuantizersTest {

    private static final QuantOptions RTN = QuantOptions.rtn(Precision.FP32);

    private static float[] group32(float... head) {
        float[] g = new float[32];
        System.arraycopy(head, 0, g, 0, head.length);
        return g;
    }

    @Test
    void mxfp4SharedExponentAndElements() {
        // Group 0: amax 5 -> floor(log2 5) = 2, minus emax 2 -> scale 2^0; elements straight onto the E2M1 grid.
        // Group 1: amax 0.7 -> floor(log2 0.7) = -1 -> scale 2^-3; 0.7*8 = 5.6 -> 6 -> 0.75.
        // Group 2: all zeros -> exponent 1 - emax = -1 -> scale 0.5, codes 0.
        float[] w = new float[96];
        float[] g0 = group32(5f, 0.25f, 0.75f, -2.5f, 2.9f, -1.4f);
        float[] g1 = group32(0.7f, -0.3f, 0.05f, 0.0625f);
        System.arraycopy(g0, 0, w, 0, 32);
        System.arraycopy(g1, 0, w, 32, 32);
        QuantResult r = MxQuantizer.quantize("t", w, 1, 96, SchemePresets.get("MXFP4"), RTN);
        assertArrayEquals(new float[] {1f, 0.125f, 0.5f}, r.weight().scales());
        assertEquals(4f, r.dequantized()[0]);
        assertEquals(0f, r.dequantized()[1], "0.25 ties to 0");
        assertEquals(1f, r.dequantized()[2], "0.75 ties to 1 (even mantissa)");
        assertEquals(-2f, r.dequantized()[3]);
        assertEquals(3f, r.dequantized()[4]);
        assertEquals(-1.5f, r.dequantized()[5]);
        assertEquals(0.75f, r.dequantized()[32]);
        assertEquals(-0.25f, r.dequantized()[33], "-2.4 -> -2");
        assertEquals(0.0625f, r.dequantized()[34], "0.4 -> 0.5");
        assertEquals(0.0625f, r.dequantized()[35], "0.5 stays");
        assertEquals(Float4E2M1.encode(4f), r.weight().codes()[0]);
        assertEquals(0xC, r.weight().codes()[3], "-2 is sign|index 4");
        assertNull(r.weight().zeros());
        for (int i = 64; i < 96; i++) {
            assertEquals(0, r.weight().codes()[i]);
        }
    }

    @Test
    void mxRceilAndMxfp8() {
        float[] w = group32(7f, 1f, -3.3f);
        QuantScheme rceil = SchemeResolver.resolve("MXFP4", Map.of("data_type", "mx_fp_rceil"));
        QuantResult r = MxQuantizer.quantize("t", w, 1, 32, rceil, RTN);
        assertEquals(2f, r.weight().scales()[0], "ceil(log2(7/6)) = 1");
        assertEquals(8f, r.dequantized()[0], "7/2 = 3.5 -> 4 (tie to even)");
        QuantResult floor = MxQuantizer.quantize("t", w, 1, 32, SchemePresets.get("MXFP4"), RTN);
        assertEquals(1f, floor.weight().scales()[0], "floor rule: floor(log2 7) - 2 = 0");
        assertEquals(6f, floor.dequantized()[0], "clamped to max_norm");
        QuantResult fp8 = MxQuantizer.quantize("t", group32(300f, 1.0625f, -0.0137f), 1, 32,
                SchemePresets.get("MXFP8"), RTN);
        assertEquals(1f, fp8.weight().scales()[0], "floor(log2 300) = 8, minus emax 8 -> 2^0");
        assertEquals(288f, fp8.dequantized()[0], "E4M3 spacing 32 in [256, 512)");
        assertEquals(1f, fp8.dequantized()[1], "1.0625 ties to even 1.0");
        assertEquals(-7 * 0x1p-9f, fp8.dequantized()[2], "subnormal: private exponent clipped to -6");
        assertEquals(Float8E4M3.encode(288f), fp8.weight().codes()[0], "MXFP8 codes are E4M3 bytes");
    }

    @Test
    void nvfp4BlockScalesAndGlobalScale() {
        float[] w = new float[32];
        float[] b0 = {6f, 5.1f, -2.5f, 0.25f, 1.25f, -0.75f};
        float[] b1 = {3f, -1.2f, 0.4f};
        System.arraycopy(b0, 0, w, 0, b0.length);
        System.arraycopy(b1, 0, w, 16, b1.length);
        QuantResult r = NvFp4Quantizer.quantize("t", w, 1, 32, SchemePresets.get("NVFP4"), RTN);
        assertEquals(448f, r.weight().globalScale(), "2688 / 6");
        assertArrayEquals(new float[] {448f, 224f}, r.weight().scales(), "e4m3(gs * vmax / 6)");
        float[] expect0 = {6f, 6f, -2f, 0f, 1f, -1f};
        for (int i = 0; i < expect0.length; i++) {
            assertEquals(expect0[i], r.dequantized()[i], "block 0 element " + i);
            float viaCodes = Float4E2M1.decode(r.weight().codes()[i]) * r.weight().scales()[0]
                    / r.weight().globalScale();
            assertEquals(r.dequantized()[i], viaCodes, 1e-6f, "documented dequant from codes");
        }
        assertEquals(3f, r.dequantized()[16]);
        assertEquals(-1f, r.dequantized()[17], "-1.2*2 = -2.4 -> -2 -> -1");
        assertEquals(0.5f, r.dequantized()[18], "0.8 -> 1 -> 0.5");
    }

    @Test
    void nvfp4FusedLayersShareTheMinimumGlobalScale() {
        float[] q = {1f, -2f};
        float[] k = {4f, 0.5f};
        float[] v = {-3f, 1f};
        float shared = NvFp4Quantizer.sharedGlobalScale(List.of(q, k, v));
        assertEquals(2688f / 4f, shared);
        assertEquals(NvFp4Quantizer.globalScale(k), shared);
        float[] w = new float[16];
        w[0] = 1f;
        QuantResult r = NvFp4Quantizer.quantize("q", w, 1, 16, SchemePresets.get("NVFP4"),
                RTN.withNvGlobalScale(shared));
        assertEquals(shared, r.weight().globalScale());
        assertEquals(Float8E4M3.round(shared * (1f * (float) (1.0 / 6.0))), r.weight().scales()[0]);
        assertEquals(1f, r.dequantized()[0], 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> NvFp4Quantizer.sharedGlobalScale(List.of()));
    }

    @Test
    void fp8PerTensorWeightOnly() {
        float[] w = {448f * 0.01f, 0.001f, -0.02f, 3.3e-5f};
        QuantResult r = Fp8Quantizer.quantize("t", w, 2, 2, SchemePresets.get("FPW8A16"), RTN);
        assertEquals(1, r.weight().scales().length, "one scale per tensor");
        float s = 4.48f / 448f;
        assertEquals(s, r.weight().scales()[0]);
        assertEquals(0x7E, r.weight().codes()[0], "the max maps to 448");
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float8E4M3.round(w[i] / s) * s, r.dequantized()[i], "element " + i);
        }
        QuantResult perRow = Fp8Quantizer.quantize("t", w, 2, 2, SchemePresets.get("FP8_STATIC"), RTN);
        assertEquals(2, perRow.weight().scales().length, "FP8_STATIC weights: one scale per output channel");
        QuantResult zeros = Fp8Quantizer.quantize("t", new float[4], 1, 4, SchemePresets.get("FPW8A16"), RTN);
        assertEquals(1f / (448f * 512f), zeros.weight().scales()[0], "scale floor");
    }

    @Test
    void fp8BlocksOf128x128WithPartialEdgeBlocks() {
        // [200, 300]: block grid 2 x 3, the last block row has 72 rows and the last block column 44 columns
        int rows = 200;
        int cols = 300;
        float[] w = new float[rows * cols];
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.02f;
        }
        w[199 * cols + 299] = 1.75f; // the bottom-right edge block gets its own large maximum
        QuantResult r = WeightQuantizer.quantize("t", w, rows, cols, SchemePresets.get("FP8_BLOCK"), RTN);
        QuantizedWeight q = r.weight();
        assertEquals(6, q.scales().length, "ceil(200/128) x ceil(300/128) blocks");
        for (int br = 0; br < 2; br++) {
            for (int bc = 0; bc < 3; bc++) {
                float amax = 0f;
                for (int i = br * 128; i < Math.min(rows, br * 128 + 128); i++) {
                    for (int j = bc * 128; j < Math.min(cols, bc * 128 + 128); j++) {
                        amax = Math.max(amax, Math.abs(w[i * cols + j]));
                    }
                }
                assertEquals(amax / 448f, q.scales()[br * 3 + bc], "block (" + br + ", " + bc + ")");
            }
        }
        assertEquals(1.75f / 448f, q.scales()[5]);
        assertEquals(0x7E, q.codes()[199 * cols + 299], "the block maximum maps to 448");
        for (int i : new int[] {0, 127 * cols + 128, 150 * cols + 260, w.length - 1}) {
            int row = i / cols;
            int col = i % cols;
            float s = q.scales()[q.scaleIndex(row, col)];
            assertEquals(Float8E4M3.round(w[i] / s) * s, r.dequantized()[i], "element " + i);
        }
        UnsupportedOperationException tuned = assertThrows(UnsupportedOperationException.class,
                () -> Fp8BlockQuantizer.quantize("t", w, rows, cols, SchemePresets.get("FP8_BLOCK"),
                        RTN.withTuning(new TuningParams(new float[w.length], null, null))));
        assertTrue(tuned.getMessage().contains("--iters 0"), tuned.getMessage());
    }

    @Test
    void partialBlocksAreRejected() {
        IllegalArgumentException mx = assertThrows(IllegalArgumentException.class,
                () -> MxQuantizer.quantize("model.l.q", new float[48], 1, 48, SchemePresets.get("MXFP4"), RTN));
        assertTrue(mx.getMessage().contains("model.l.q: in_features 48 is not divisible by group_size 32"),
                mx.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WeightQuantizer.quantize("model.l.q", new float[24], 1, 24,
                SchemePresets.get("NVFP4"), QuantOptions.optimizedRtn(Precision.FP32, null)));
    }
}
