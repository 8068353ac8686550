package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Hand-built blocks: a swapped nibble order, qh bit order or sign convention changes these bytes. */
class GgmlBlockCodecTest {

    private static int[] q4Levels() {
        int[] l = new int[32];
        for (int j = 0; j < 16; j++) {
            l[j] = j;
            l[j + 16] = 15 - j;
        }
        return l;
    }

    @Test
    void q4_0LayoutIsScaleThenLowNibblesFirstHalf() {
        byte[] b = GgmlBlockCodec.pack(GgmlType.Q4_0, q4Levels(), new float[] {0.5f}, null);
        assertEquals(18, b.length);
        assertEquals(0x00, b[0] & 0xFF);
        assertEquals(0x38, b[1] & 0xFF); // fp16 0.5 = 0x3800, little-endian
        for (int j = 0; j < 16; j++) {
            assertEquals(j | (15 - j) << 4, b[2 + j] & 0xFF, "byte " + j);
        }
        float[] x = GgmlBlockCodec.dequantize(GgmlType.Q4_0, b, 32);
        assertEquals(-4.0f, x[0]);      // (0 - 8) * 0.5
        assertEquals(3.5f, x[15]);      // (15 - 8) * 0.5
        assertEquals(3.5f, x[16]);
        assertEquals(-4.0f, x[31]);
        assertArrayEquals(q4Levels(), GgmlBlockCodec.unpackLevels(GgmlType.Q4_0, b, 32));
    }

    @Test
    void q4_1StoresScaleMinAndNibbles() {
        byte[] b = GgmlBlockCodec.pack(GgmlType.Q4_1, q4Levels(), new float[] {2.0f}, new float[] {-1.0f});
        assertEquals(20, b.length);
        assertEquals(0x40, b[1] & 0xFF); // 2.0 = 0x4000
        assertEquals(0xBC, b[3] & 0xFF); // -1.0 = 0xBC00
        assertEquals(0x0F << 4, b[4] & 0xFF);
        float[] x = GgmlBlockCodec.dequantize(GgmlType.Q4_1, b, 32);
        assertEquals(-1.0f, x[0]);
        assertEquals(29.0f, x[15]);     // 15 * 2 - 1
        assertEquals(29.0f, x[16]);
    }

    @Test
    void q5_0PutsFifthBitsInQhLittleEndian() {
        int[] l = new int[32];
        for (int j = 0; j < 32; j++) {
            l[j] = j;
        }
        l[3] = 19; // element 3 gets bit 4 -> qh bit 3
        byte[] b = GgmlBlockCodec.pack(GgmlType.Q5_0, l, new float[] {0.25f}, null);
        assertEquals(22, b.length);
        assertEquals(0x34, b[1] & 0xFF);
        int qh = (b[2] & 0xFF) | (b[3] & 0xFF) << 8 | (b[4] & 0xFF) << 16 | (b[5] & 0xFF) << 24;
        assertEquals(0xFFFF0008, qh);
        assertEquals(0x08, b[2] & 0xFF);
        for (int j = 0; j < 16; j++) {
            assertEquals((l[j] & 15) | (l[j + 16] & 15) << 4, b[6 + j] & 0xFF, "byte " + j);
        }
        assertEquals(0x33, b[6 + 3] & 0xFF);
        float[] x = GgmlBlockCodec.dequantize(GgmlType.Q5_0, b, 32);
        assertEquals(-4.0f, x[0]);      // (0 - 16) * 0.25
        assertEquals(0.75f, x[3]);      // (19 - 16) * 0.25
        assertEquals(3.75f, x[31]);
        assertArrayEquals(l, GgmlBlockCodec.unpackLevels(GgmlType.Q5_0, b, 32));
    }

    @Test
    void q5_1AndQ8_0Layouts() {
        int[] l = new int[32];
        for (int j = 0; j < 32; j++) {
            l[j] = 31 - j;
        }
        byte[] b = GgmlBlockCodec.pack(GgmlType.Q5_1, l, new float[] {1.0f}, new float[] {0.5f});
        assertEquals(24, b.length);
        int qh = (b[4] & 0xFF) | (b[5] & 0xFF) << 8 | (b[6] & 0xFF) << 16 | (b[7] & 0xFF) << 24;
        assertEquals(0x0000FFFF, qh);
        assertEquals(31.5f, GgmlBlockCodec.dequantize(GgmlType.Q5_1, b, 32)[0]);

        int[] q8 = new int[32];
        for (int j = 0; j < 32; j++) {
            q8[j] = j * 8;
        }
        byte[] c = GgmlBlockCodec.pack(GgmlType.Q8_0, q8, new float[] {-1.0f}, null);
        assertEquals(34, c.length);
        assertEquals((byte) -128, c[2]);
        assertEquals((byte) 120, c[2 + 31]);
        assertEquals(128.0f, GgmlBlockCodec.dequantize(GgmlType.Q8_0, c, 32)[0]); // (0 - 128) * -1
    }

    @Test
    void referenceCodeDerivationRoundsLikeThePacker() {
        float[] x = new float[32];
        x[0] = -0.5f;  // q4_0: trunc(-0.5 + 8.5) = 8
        x[1] = 0.5f;   // 9
        x[2] = 7.6f;   // clamps to 15
        float[] one = {1.0f};
        int[] q4 = GgmlBlockCodec.levelsFromValues(GgmlType.Q4_0, x, one, null);
        assertEquals(8, q4[0]);
        assertEquals(9, q4[1]);
        assertEquals(15, q4[2]);
        x[0] = 2.5f;   // q8_0 roundf: half away from zero -> 3
        x[1] = -2.5f;  // -3
        x[2] = 200f;   // clamps to 127
        int[] q8 = GgmlBlockCodec.levelsFromValues(GgmlType.Q8_0, x, one, null);
        assertEquals(131, q8[0]);
        assertEquals(125, q8[1]);
        assertEquals(255, q8[2]);
        x[0] = 0.49f;  // q4_1 with m = -1: trunc(1.49 + 0.5) = 1
        int[] q41 = GgmlBlockCodec.levelsFromValues(GgmlType.Q4_1, x, one, new float[] {-1f});
        assertEquals(1, q41[0]);
    }

    @Test
    void levelsOfDequantizedValuesRoundTrip() {
        java.util.Random r = new java.util.Random(7);
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q5_0, GgmlType.Q8_0, GgmlType.Q4_1, GgmlType.Q5_1}) {
            int[] l = new int[64];
            for (int i = 0; i < l.length; i++) {
                l[i] = r.nextInt(GgmlBlockCodec.levels(t));
            }
            float[] d = {-0.0625f, 0.013671875f};
            float[] m = GgmlBlockCodec.hasMin(t) ? new float[] {-0.5f, 0.25f} : null;
            byte[] b = GgmlBlockCodec.pack(t, l, d, m);
            assertEquals(t.bytesFor(64), b.length);
            float[] x = GgmlBlockCodec.dequantize(t, b, 64);
            assertArrayEquals(l, GgmlBlockCodec.unpackLevels(t, b, 64), t.name());
            if (!GgmlBlockCodec.hasMin(t)) {
                assertArrayEquals(l, GgmlBlockCodec.levelsFromValues(t, x, d, m), t.name());
            }
        }
    }

    @Test
    void nonFp16ScaleAndOutOfRangeLevelAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> GgmlBlockCodec.pack(GgmlType.Q4_0, new int[32], new float[] {0.1f}, null));
        int[] l = new int[32];
        l[5] = 16;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GgmlBlockCodec.pack(GgmlType.Q4_0, l, new float[] {1f}, null));
        assertEquals(true, e.getMessage().contains("element 5"));
    }

    @Test
    void floatTypes() {
        float[] v = {1.0f, -2.5f, 1.00390625f};
        assertArrayEquals(v, GgmlBlockCodec.dequantize(GgmlType.F32, GgmlBlockCodec.packFloats(GgmlType.F32, v), 3));
        byte[] bf = GgmlBlockCodec.packFloats(GgmlType.BF16, v);
        assertEquals(0x3F80, (bf[0] & 0xFF) | (bf[1] & 0xFF) << 8);
        assertArrayEquals(new float[] {1.0f, -2.5f, 1.0f}, GgmlBlockCodec.dequantize(GgmlType.BF16, bf, 3));
        byte[] h = GgmlBlockCodec.packFloats(GgmlType.F16, v);
        assertEquals(0x3C00, (h[0] & 0xFF) | (h[1] & 0xFF) << 8);
        assertArrayEquals(v, GgmlBlockCodec.dequantize(GgmlType.F16, h, 3));
    }

    @Test
    void ropePermutationInterleavesHalves() {
        assertArrayEquals(new int[] {0, 4, 1, 5, 2, 6, 3, 7}, RopeRowPermutation.sourceRows(8, 1));
        assertArrayEquals(new int[] {0, 2, 1, 3, 4, 6, 5, 7}, RopeRowPermutation.sourceRows(8, 2));
    }
}
