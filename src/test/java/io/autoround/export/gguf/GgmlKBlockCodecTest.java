package io.autoround.export.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Byte layouts of Q4_K / Q5_K / Q6_K super-blocks against llama.cpp's block structs, built by hand. */
class GgmlKBlockCodecTest {
    private static final int[] SC = {1, 2, 3, 4, 37, 50, 63, 20};
    private static final int[] MN = {5, 6, 7, 8, 33, 17, 48, 60};

    private static int u(byte b) {
        return b & 0xFF;
    }

    private static int[] codes(int bits) {
        int[] q = new int[256];
        for (int i = 0; i < 256; i++) {
            q[i] = (i * 7 + i / 32) % (1 << bits);
        }
        return q;
    }

    @Test
    void q4kHeaderScalesAndNibbles() {
        int[] q = codes(4);
        byte[] b = GgmlKBlockCodec.pack(GgmlType.Q4_K, new GgmlKBlockCodec.Blocks(q, new float[] {1f},
                new float[] {0.5f}, SC, MN));
        assertEquals(144, b.length);
        // d = fp16 1.0 (0x3C00), dmin = fp16 0.5 (0x3800), little-endian
        assertArrayEquals(new int[] {0x00, 0x3C, 0x00, 0x38}, new int[] {u(b[0]), u(b[1]), u(b[2]), u(b[3])});
        // bytes 0-3: sc[j] | (sc[j+4] >> 4) << 6: 1|2<<6, 2|3<<6, 3|3<<6, 4|1<<6
        assertArrayEquals(new int[] {129, 194, 195, 68}, new int[] {u(b[4]), u(b[5]), u(b[6]), u(b[7])});
        // bytes 4-7: m[j] | (m[j+4] >> 4) << 6: 5|2<<6, 6|1<<6, 7|3<<6, 8|3<<6
        assertArrayEquals(new int[] {133, 70, 199, 200}, new int[] {u(b[8]), u(b[9]), u(b[10]), u(b[11])});
        // bytes 8-11: (sc[j+4] & 15) | (m[j+4] & 15) << 4: 5|1<<4, 2|1<<4, 15|0<<4, 4|12<<4
        assertArrayEquals(new int[] {21, 18, 15, 196}, new int[] {u(b[12]), u(b[13]), u(b[14]), u(b[15])});
        // qs byte 32c + l = L[64c + l] | L[64c + 32 + l] << 4
        assertEquals(q[0] | q[32] << 4, u(b[16]));
        assertEquals(q[64 + 5] | q[96 + 5] << 4, u(b[16 + 32 + 5]));
        assertEquals(q[192 + 31] | q[224 + 31] << 4, u(b[143]));
        GgmlKBlockCodec.Blocks back = GgmlKBlockCodec.unpack(GgmlType.Q4_K, b, 256);
        assertArrayEquals(SC, back.scales());
        assertArrayEquals(MN, back.mins());
        assertArrayEquals(q, back.codes());
        float[] x = GgmlKBlockCodec.dequantize(GgmlType.Q4_K, b, 256);
        // element 200 is in sub-block 6 (sc 63, m 48): 1*63*L - 0.5*48
        assertEquals(63f * q[200] - 24f, x[200]);
        assertEquals(37f * q[130] - 16.5f, x[130]);
    }

    @Test
    void getScaleMinK4DecodesBothHalves() {
        byte[] packed = GgmlKBlockCodec.packScales(SC, MN, 0);
        for (int j = 0; j < 8; j++) {
            assertArrayEquals(new int[] {SC[j], MN[j]}, GgmlKBlockCodec.scaleMin(packed, 0, j), "sub-block " + j);
        }
    }

    @Test
    void q5kHighBitsGoToQh() {
        int[] q = codes(5);
        byte[] b = GgmlKBlockCodec.pack(GgmlType.Q5_K, new GgmlKBlockCodec.Blocks(q, new float[] {0.25f},
                new float[] {0f}, SC, new int[8]));
        assertEquals(176, b.length);
        for (int l = 0; l < 32; l++) {
            int expected = 0;
            for (int m = 0; m < 8; m++) {
                expected |= (q[32 * m + l] >> 4) << m;
            }
            assertEquals(expected, u(b[16 + l]), "qh byte " + l);
        }
        // low nibbles masked to 4 bits (llama.cpp), no bit 4 leaking into the odd sub-block's nibble
        assertEquals((q[64 + 3] & 15) | (q[96 + 3] & 15) << 4, u(b[48 + 32 + 3]));
        assertArrayEquals(q, GgmlKBlockCodec.unpack(GgmlType.Q5_K, b, 256).codes());
        float[] x = GgmlKBlockCodec.dequantize(GgmlType.Q5_K, b, 256);
        assertEquals(0.25f * 50 * q[170], x[170]);
    }

    @Test
    void q2kLayout() {
        int[] q = codes(2);
        int[] sc = new int[16];
        int[] mn = new int[16];
        for (int j = 0; j < 16; j++) {
            sc[j] = j;
            mn[j] = 15 - j;
        }
        byte[] b = GgmlKBlockCodec.pack(GgmlType.Q2_K, new GgmlKBlockCodec.Blocks(q, new float[] {2f},
                new float[] {0.125f}, sc, mn));
        assertEquals(84, b.length);
        // scales byte j = sc | m << 4
        assertEquals(0 | 15 << 4, u(b[0]));
        assertEquals(9 | 6 << 4, u(b[9]));
        // qs byte 32h + l = L[128h + l] | L[128h + 32 + l] << 2 | L[128h + 64 + l] << 4 | L[128h + 96 + l] << 6
        assertEquals(q[128 + 5] | q[160 + 5] << 2 | q[192 + 5] << 4 | q[224 + 5] << 6, u(b[16 + 32 + 5]));
        // d = fp16 2.0 (0x4000), dmin = fp16 0.125 (0x3000) at the end
        assertArrayEquals(new int[] {0x00, 0x40, 0x00, 0x30}, new int[] {u(b[80]), u(b[81]), u(b[82]), u(b[83])});
        GgmlKBlockCodec.Blocks back = GgmlKBlockCodec.unpack(GgmlType.Q2_K, b, 256);
        assertArrayEquals(q, back.codes());
        assertArrayEquals(sc, back.scales());
        assertArrayEquals(mn, back.mins());
        float[] x = GgmlKBlockCodec.dequantize(GgmlType.Q2_K, b, 256);
        // element 200 is in sub-block 12: 2*12*L - 0.125*3
        assertEquals(24f * q[200] - 0.375f, x[200]);
    }

    @Test
    void q3kLayout() {
        int[] q = codes(3);
        int[] sc = new int[16];
        for (int j = 0; j < 16; j++) {
            sc[j] = j * 4 - 32; // -32 .. 28
        }
        byte[] b = GgmlKBlockCodec.pack(GgmlType.Q3_K, new GgmlKBlockCodec.Blocks(q, new float[] {0.5f}, null, sc, null));
        assertEquals(110, b.length);
        // hmask: bit m of byte l = bit 2 of L[32m + l]
        int h = 0;
        for (int m = 0; m < 8; m++) {
            h |= (q[32 * m + 9] >> 2 & 1) << m;
        }
        assertEquals(h, u(b[9]));
        // qs byte 32 + 32h + l = sum_s (L[128h + 32s + l] & 3) << 2s
        assertEquals((q[3] & 3) | (q[35] & 3) << 2 | (q[67] & 3) << 4 | (q[99] & 3) << 6, u(b[32 + 3]));
        // scales stored as sc + 32: byte 1 = low(sc1 + 32) | low(sc9 + 32) << 4 = 4 | 4 << 4;
        // byte 8 + 1 = 2-bit high parts of scales 1, 5, 9, 13 (stored 4, 20, 36, 52 -> 0, 1, 2, 3)
        assertEquals(4 | 4 << 4, u(b[96 + 1]));
        assertEquals(0 | 1 << 2 | 2 << 4 | 3 << 6, u(b[104 + 1]));
        assertArrayEquals(new int[] {0x00, 0x38}, new int[] {u(b[108]), u(b[109])}); // fp16 0.5
        GgmlKBlockCodec.Blocks back = GgmlKBlockCodec.unpack(GgmlType.Q3_K, b, 256);
        assertArrayEquals(q, back.codes());
        assertArrayEquals(sc, back.scales());
        float[] x = GgmlKBlockCodec.dequantize(GgmlType.Q3_K, b, 256);
        assertEquals(0.5f * sc[7] * (q[120] - 4), x[120]);
    }

    @Test
    void q6kLayout() {
        int[] q = codes(6);
        int[] sc = new int[16];
        for (int j = 0; j < 16; j++) {
            sc[j] = j * 17 - 128;
        }
        byte[] b = GgmlKBlockCodec.pack(GgmlType.Q6_K, new GgmlKBlockCodec.Blocks(q, new float[] {-0.5f}, null,
                sc, null));
        assertEquals(210, b.length);
        // ql byte 64h + l = (L[128h + l] & 15) | (L[128h + 64 + l] & 15) << 4
        assertEquals((q[10] & 15) | (q[74] & 15) << 4, u(b[10]));
        assertEquals((q[128 + 40] & 15) | (q[128 + 104] & 15) << 4, u(b[64 + 40]));
        // qh byte 32h + l = sum_s (L[128h + 32s + l] >> 4) << 2s
        int l = 7;
        int h = 1;
        int expected = 0;
        for (int s = 0; s < 4; s++) {
            expected |= (q[128 * h + 32 * s + l] >> 4) << (2 * s);
        }
        assertEquals(expected, u(b[128 + 32 * h + l]));
        assertEquals(-128, b[192]);
        assertEquals(127, b[192 + 15]);
        assertArrayEquals(new int[] {0x00, 0xB8}, new int[] {u(b[208]), u(b[209])}); // fp16 -0.5
        GgmlKBlockCodec.Blocks back = GgmlKBlockCodec.unpack(GgmlType.Q6_K, b, 256);
        assertArrayEquals(q, back.codes());
        assertArrayEquals(sc, back.scales());
        float[] x = GgmlKBlockCodec.dequantize(GgmlType.Q6_K, b, 256);
        assertEquals(-0.5f * sc[12] * (q[200] - 32), x[200]);
    }

    @Test
    void randomRoundTripAndRefusals() {
        Random r = new Random(5);
        int[] q = new int[512];
        int[] sc = new int[16];
        int[] mn = new int[16];
        for (int i = 0; i < q.length; i++) {
            q[i] = r.nextInt(16);
        }
        for (int j = 0; j < 16; j++) {
            sc[j] = r.nextInt(64);
            mn[j] = r.nextInt(64);
        }
        GgmlKBlockCodec.Blocks in = new GgmlKBlockCodec.Blocks(q, new float[] {0.0078125f, 3f},
                new float[] {1.5f, 0.001953125f}, sc, mn);
        GgmlKBlockCodec.Blocks out = GgmlKBlockCodec.unpack(GgmlType.Q4_K, GgmlKBlockCodec.pack(GgmlType.Q4_K, in), 512);
        assertArrayEquals(q, out.codes());
        assertArrayEquals(sc, out.scales());
        assertArrayEquals(mn, out.mins());
        assertArrayEquals(in.d(), out.d());
        assertArrayEquals(in.dmin(), out.dmin());
        assertThrows(IllegalArgumentException.class, () -> GgmlKBlockCodec.pack(GgmlType.Q4_K,
                new GgmlKBlockCodec.Blocks(q, new float[] {0.1f, 1f}, new float[] {1f, 1f}, sc, mn)));
        sc[3] = 64;
        assertThrows(IllegalArgumentException.class, () -> GgmlKBlockCodec.pack(GgmlType.Q4_K, in));
        assertThrows(GgufFormatException.class, () -> GgmlKBlockCodec.unpack(GgmlType.Q6_K, new byte[209], 256));
    }
}
