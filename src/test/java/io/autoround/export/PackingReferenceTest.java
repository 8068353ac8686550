package io.autoround.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.QuantScheme;
import io.autoround.quant.QuantizedWeight;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packers against scalar formulas written out from reference-spec 3.3, 3.5 and 3.6. */
class PackingReferenceTest {

    private static int[] ints(TensorData t) {
        ByteBuffer b = ByteBuffer.wrap(t.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[t.bytes().length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    @Test
    void threeBitWordsFollowTheSpecFormulas() {
        Random r = new Random(3);
        int[] v = new int[32];
        for (int i = 0; i < 32; i++) {
            v[i] = r.nextInt(8);
        }
        int w0 = 0;
        for (int i = 0; i < 10; i++) {
            w0 |= v[i] << (3 * i);
        }
        w0 |= v[10] << 30;
        int w1 = (v[10] >> 2) & 1;
        for (int i = 0; i < 10; i++) {
            w1 |= v[11 + i] << (3 * i + 1);
        }
        w1 |= v[21] << 31;
        int w2 = (v[21] >> 1) & 3;
        for (int i = 0; i < 10; i++) {
            w2 |= v[22 + i] << (3 * i + 2);
        }
        int[] packed = new int[3];
        Int32BitStream.pack(v, 0, 1, 32, 3, packed, 0, 1);
        assertArrayEquals(new int[] {w0, w1, w2}, packed);
        int[] back = new int[32];
        Int32BitStream.unpack(packed, 0, 1, 32, 3, back, 0, 1);
        assertArrayEquals(v, back);
    }

    @Test
    void gptqQweightPacksAlongKAndSymZerosAreConstantWords() {
        // one output row x 64 inputs, 4-bit, group 32: qweight [8, 1], qzeros [2, 1/8 -> needs N*b%32 == 0]
        QuantScheme s = QuantScheme.weightOnlyInt(4, 32, true);
        int n = 8;
        int k = 64;
        int[] codes = new int[n * k];
        Random r = new Random(4);
        for (int i = 0; i < codes.length; i++) {
            codes[i] = r.nextInt(16);
        }
        float[] scales = new float[n * 2];
        java.util.Arrays.fill(scales, 0.5f);
        int[] zeros = new int[n * 2];
        java.util.Arrays.fill(zeros, 8);
        List<TensorData> t = GptqLayout.AUTO_ROUND_GPTQ.pack(new QuantizedWeight("L", n, k, s, codes, scales, zeros, Float.NaN));
        assertEquals(List.of("L.qweight", "L.qzeros", "L.scales"), t.stream().map(TensorData::name).toList());
        int[] qweight = ints(t.get(0));
        assertArrayEquals(new long[] {8, 8}, t.get(0).shape());
        for (int row = 0; row < 8; row++) {
            for (int col = 0; col < n; col++) {
                int expected = 0;
                for (int j = 0; j < 8; j++) {
                    expected |= codes[col * k + row * 8 + j] << (4 * j);
                }
                assertEquals(expected, qweight[row * n + col]);
            }
        }
        assertArrayEquals(new int[] {0x77777777, 0x77777777}, ints(t.get(1)));
        // 2-bit and 8-bit sym zero words
        assertEquals(0x55555555, ints(GptqLayout.AUTO_ROUND_GPTQ.pack(RandomWeights.intWeight("L", 16, 64,
                QuantScheme.weightOnlyInt(2, 32, true), 1, 0)).get(1))[0]);
        assertEquals(0x7F7F7F7F, ints(GptqLayout.AUTO_ROUND_GPTQ.pack(RandomWeights.intWeight("L", 4, 64,
                QuantScheme.weightOnlyInt(8, 32, true), 1, 0)).get(1))[0]);
    }

    @Test
    void gptqV1ZeroPointZeroBorrowsLikeTheReference() {
        // asym zero 0 is stored as -1 and, summed, borrows from the next field (reference-spec 3.3 caveat)
        QuantScheme s = QuantScheme.weightOnlyInt(4, 32, false);
        int[] zeros = {0, 5, 5, 5, 5, 5, 5, 5};
        QuantizedWeight w = new QuantizedWeight("L", 8, 32, s, new int[8 * 32], new float[8], zeros, Float.NaN);
        int word = ints(GptqLayout.AUTO_ROUND_GPTQ.pack(w).get(1))[0];
        int expected = 0;
        for (int j = 0; j < 8; j++) {
            expected += (zeros[j] - 1) << (4 * j);
        }
        assertEquals(expected, word);
        assertEquals(0xF, word & 0xF);
        assertEquals(3, (word >>> 4) & 0xF); // 4 - 1 borrowed
    }

    @Test
    void awqNibblesHoldColumnsInInterleavedOrder() {
        QuantScheme s = QuantScheme.weightOnlyInt(4, 32, false);
        int n = 8;
        int k = 32;
        int[] codes = new int[n * k];
        for (int col = 0; col < n; col++) {
            for (int kk = 0; kk < k; kk++) {
                codes[col * k + kk] = (col + kk) & 15;
            }
        }
        int[] zeros = {0, 1, 2, 3, 4, 5, 6, 7};
        List<TensorData> t = AwqLayout.AUTO_AWQ.pack(new QuantizedWeight("L", n, k, s, codes, new float[8], zeros, Float.NaN));
        int[] columnOfNibble = {0, 2, 4, 6, 1, 3, 5, 7};
        int[] qweight = ints(t.get(0));
        for (int kk = 0; kk < k; kk++) {
            for (int nib = 0; nib < 8; nib++) {
                assertEquals(codes[columnOfNibble[nib] * k + kk], (qweight[kk] >>> (4 * nib)) & 15);
            }
        }
        assertEquals(0x75316420, ints(t.get(1))[0]);
    }

    @Test
    void packQuantizedMatchesCompressedTensorsPackToInt32() {
        QuantScheme s = QuantScheme.weightOnlyInt(4, 32, true);
        QuantizedWeight w = RandomWeights.intWeight("L", 2, 64, s, 9, 0);
        List<TensorData> t = PackQuantizedLayout.INSTANCE.pack(w);
        int[] packed = ints(t.get(0));
        assertArrayEquals(new long[] {2, 8}, t.get(0).shape());
        for (int r = 0; r < 2; r++) {
            for (int word = 0; word < 8; word++) {
                int expected = 0;
                for (int i = 0; i < 8; i++) {
                    expected += w.codes()[r * 64 + word * 8 + i] << (4 * i); // (signed + 8) << 4i, summed
                }
                assertEquals(expected, packed[r * 8 + word]);
            }
        }
        assertArrayEquals(new long[] {2}, t.get(3).shape());
        assertEquals("L.weight_shape", t.get(3).name());
    }

    @Test
    void fp4NibblesEvenLowAndScaleEncodings() {
        assertArrayEquals(new byte[] {(byte) 0x9A, 0x0F}, FpLayouts.packNibbles(new int[] {0xA, 0x9, 0xF, 0x0}));
        assertEquals(-6f, FpCodes.e2m1ToFloat(0xF));
        assertEquals(1.5f, FpCodes.e2m1ToFloat(3));
        assertEquals(127, FpCodes.powerOfTwoToE8m0(1f, "s"));
        assertEquals(0, FpCodes.powerOfTwoToE8m0(Math.scalb(1f, -127), "s"));
        assertEquals(Math.scalb(1f, -127), FpCodes.e8m0ToFloat(0));
        assertThrows(IllegalArgumentException.class, () -> FpCodes.powerOfTwoToE8m0(0.75f, "s"));
        assertEquals(0x7E, FpCodes.floatToE4m3Exact(448f, "s"));
        assertEquals(0xB8, FpCodes.floatToE4m3Exact(-1f, "s"));
        assertThrows(IllegalArgumentException.class, () -> FpCodes.floatToE4m3Exact(1.01f, "s"));
    }

    @Test
    void pythonFloatRepr() {
        assertEquals("1e-06", PythonJson.floatRepr(1e-6));
        assertEquals("1e-05", PythonJson.floatRepr(1e-5));
        assertEquals("0.0001", PythonJson.floatRepr(1e-4));
        assertEquals("10000.0", PythonJson.floatRepr(10000.0));
        assertEquals("0.01", PythonJson.floatRepr(0.01));
        assertEquals("0.005", PythonJson.floatRepr(5e-3));
        assertEquals("1e+16", PythonJson.floatRepr(1e16));
        assertEquals("1000000000000000.0", PythonJson.floatRepr(1e15));
        assertEquals("-2.5", PythonJson.floatRepr(-2.5));
        assertEquals("1.5e-07", PythonJson.floatRepr(1.5e-7));
        assertEquals("0.1", PythonJson.floatRepr(0.1));
    }

    @Test
    void exportSubfolderNames() {
        assertEquals("source-qwen3-w4g128", ExportDirNaming.subfolder("/x/source-qwen3/",
                QuantScheme.weightOnlyInt(4, 128, true), "auto_gptq"));
        assertEquals("Qwen3-0.6B-mxfp-w4g32", ExportDirNaming.subfolder("Qwen/Qwen3-0.6B",
                new QuantScheme(4, 32, true, "mx_fp", 4, 32, true, "mx_fp", true, null, null), "auto_round"));
        assertEquals("m-w8a8", ExportDirNaming.subfolder("m", new QuantScheme(8, -1, true, "int", 8, -1, true, "int",
                true, null, null), "auto_round"));
        assertEquals("m-gguf", ExportDirNaming.subfolder("m", QuantScheme.weightOnlyInt(4, 32, false), "gguf:q4_k_m"));
    }
}
