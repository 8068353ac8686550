package io.autoround.export.gguf;

import io.autoround.quant.format.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte layouts of the ggml k-quant types Q2_K, Q4_K, Q5_K and Q6_K (reference-spec 3.7, llama.cpp
 * {@code block_q2_K}, {@code block_q4_K}, {@code block_q5_K}, {@code block_q6_K}): 256-element super-blocks,
 * little-endian, fp16 super scales.
 * <ul>
 *   <li>Q2_K (84 B): 16 bytes {@code sc | m << 4} (4-bit scale and min of each sub-block of 16), {@code qs[64]}
 *       (for each 128-half {@code h}, byte {@code 32h + l} = {@code sum_s L[128h + 32s + l] << 2s}), d, dmin.</li>
 *   <li>Q3_K (110 B): {@code hmask[32]} (bit {@code m} of byte {@code l} = bit 2 of {@code L[32m + l]}),
 *       {@code qs[64]} (low 2 bits, as Q2_K), 12 bytes of 6-bit signed sub-block scales stored as {@code sc + 32}
 *       (bytes 0-7: low nibbles of scales 0-7 | low nibbles of scales 8-15 << 4; byte {@code 8 + i}: the 2-bit
 *       high parts of scales i, 4+i, 8+i, 12+i at bits 0, 2, 4, 6), d. Codes {@code L = q + 4} in [0, 8).</li>
 *   <li>Q4_K (144 B): d, dmin, 12 bytes of 6-bit sub-block scales and mins (8 sub-blocks of 32), 128 bytes of
 *       nibbles: byte {@code 32c + l} = {@code L[64c + l] | L[64c + 32 + l] << 4}.</li>
 *   <li>Q5_K (176 B): d, dmin, the 12 scale bytes, {@code qh[32]} (bit {@code m} of byte {@code l} = bit 4 of
 *       {@code L[32m + l]}), then the low nibbles as Q4_K.</li>
 *   <li>Q6_K (210 B): {@code ql[128]}, {@code qh[64]}, 16 int8 sub-block scales (sub-blocks of 16), d. Codes are
 *       stored as {@code L = q + 32} in [0, 64).</li>
 * </ul>
 * Values are llama.cpp's {@code dequantize_row_*}: {@code (d*sc)*L - (dmin*m)} for Q2_K/Q4_K/Q5_K and
 * {@code (d*sc)*(L - 4)} for Q3_K and {@code (d*sc)*(L - 32)} for Q6_K, in fp32.
 */
public final class GgmlKBlockCodec {
    /** Elements per super-block. */
    public static final int QK_K = 256;

    private GgmlKBlockCodec() {}

    /**
     * The content of k-quant super-blocks.
     *
     * @param codes unsigned codes, one per element
     * @param d fp16 super-block scale, one per super-block
     * @param dmin fp16 super-block min scale (null for Q6_K)
     * @param scales sub-block scale integers (4-bit for Q2_K, 6-bit for Q4_K/Q5_K, signed 6-bit for Q3_K,
     *     int8 for Q6_K)
     * @param mins sub-block min integers (4- or 6-bit, null for Q6_K)
     */
    public record Blocks(int[] codes, float[] d, float[] dmin, int[] scales, int[] mins) {}

    /** Elements per sub-block: 32 for Q4_K/Q5_K, 16 for Q2_K/Q6_K. */
    public static int subBlockSize(GgmlType t) {
        return switch (t) {
            case Q4_K, Q5_K -> 32;
            case Q2_K, Q3_K, Q6_K -> 16;
            default -> throw new IllegalArgumentException(t + " is not a k-quant type");
        };
    }

    /** Code bits: 4, 5 or 6. */
    public static int bits(GgmlType t) {
        return switch (t) {
            case Q2_K -> 2;
            case Q3_K -> 3;
            case Q4_K -> 4;
            case Q5_K -> 5;
            case Q6_K -> 6;
            default -> throw new IllegalArgumentException(t + " is not a k-quant type");
        };
    }

    /** True for the types with sub-block mins (Q2_K, Q4_K, Q5_K). */
    public static boolean hasMin(GgmlType t) {
        return t == GgmlType.Q2_K || t == GgmlType.Q4_K || t == GgmlType.Q5_K;
    }

    /** Largest sub-block scale / min integer of a type with mins: 15 for Q2_K, 63 for Q4_K/Q5_K. */
    public static int maxSubScale(GgmlType t) {
        return t == GgmlType.Q2_K ? 15 : 63;
    }

    /** Packs {@code b} (numel = codes.length, a multiple of 256); scales d/dmin must be exact fp16 values. */
    public static byte[] pack(GgmlType t, Blocks b) {
        int n = b.codes().length;
        int nb = n / QK_K;
        int perBlock = QK_K / subBlockSize(t);
        if (n % QK_K != 0 || b.d().length != nb || b.scales().length != nb * perBlock
                || hasMin(t) != (b.dmin() != null) || (hasMin(t) && (b.dmin().length != nb || b.mins() == null
                || b.mins().length != nb * perBlock))) {
            throw new IllegalArgumentException(t + ": " + n + " codes need " + nb + " super-blocks of " + perBlock
                    + " sub-blocks; got inconsistent scale arrays");
        }
        checkRanges(t, b);
        ByteBuffer out = ByteBuffer.allocate(nb * t.blockBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < nb; i++) {
            int base = i * QK_K;
            if (t == GgmlType.Q6_K) {
                packQ6(out, b, i, base);
                continue;
            }
            if (t == GgmlType.Q2_K) {
                packQ2(out, b, i, base);
                continue;
            }
            if (t == GgmlType.Q3_K) {
                packQ3(out, b, i, base);
                continue;
            }
            out.putShort(exactFp16(t, b.d()[i], "d", i));
            out.putShort(exactFp16(t, b.dmin()[i], "dmin", i));
            out.put(packScales(b.scales(), b.mins(), i * 8));
            if (t == GgmlType.Q5_K) {
                for (int l = 0; l < 32; l++) {
                    int h = 0;
                    for (int m = 0; m < 8; m++) {
                        h |= ((b.codes()[base + 32 * m + l] >> 4) & 1) << m;
                    }
                    out.put((byte) h);
                }
            }
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    int lo = b.codes()[base + 64 * c + l] & 15;
                    int hi = b.codes()[base + 64 * c + 32 + l] & 15;
                    out.put((byte) (lo | hi << 4));
                }
            }
        }
        return out.array();
    }

    private static void packQ2(ByteBuffer out, Blocks b, int i, int base) {
        for (int j = 0; j < 16; j++) {
            out.put((byte) (b.scales()[i * 16 + j] | b.mins()[i * 16 + j] << 4));
        }
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int v = 0;
                for (int s = 0; s < 4; s++) {
                    v |= b.codes()[base + 128 * h + 32 * s + l] << (2 * s);
                }
                out.put((byte) v);
            }
        }
        out.putShort(exactFp16(GgmlType.Q2_K, b.d()[i], "d", i));
        out.putShort(exactFp16(GgmlType.Q2_K, b.dmin()[i], "dmin", i));
    }

    private static void packQ3(ByteBuffer out, Blocks b, int i, int base) {
        int[] q = b.codes();
        for (int l = 0; l < 32; l++) {
            int h = 0;
            for (int m = 0; m < 8; m++) {
                h |= (q[base + 32 * m + l] >> 2 & 1) << m;
            }
            out.put((byte) h);
        }
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int v = 0;
                for (int s = 0; s < 4; s++) {
                    v |= (q[base + 128 * h + 32 * s + l] & 3) << (2 * s);
                }
                out.put((byte) v);
            }
        }
        byte[] sc = new byte[12];
        for (int j = 0; j < 16; j++) {
            int l = b.scales()[i * 16 + j] + 32;
            sc[j % 8] |= (byte) ((l & 15) << (j < 8 ? 0 : 4));
            sc[8 + j % 4] |= (byte) ((l >> 4) << (2 * (j / 4)));
        }
        out.put(sc);
        out.putShort(exactFp16(GgmlType.Q3_K, b.d()[i], "d", i));
    }

    private static void packQ6(ByteBuffer out, Blocks b, int i, int base) {
        int[] q = b.codes();
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 64; l++) {
                out.put((byte) ((q[base + 128 * h + l] & 15) | (q[base + 128 * h + 64 + l] & 15) << 4));
            }
        }
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int v = 0;
                for (int s = 0; s < 4; s++) {
                    v |= (q[base + 128 * h + 32 * s + l] >> 4) << (2 * s);
                }
                out.put((byte) v);
            }
        }
        for (int j = 0; j < 16; j++) {
            out.put((byte) b.scales()[i * 16 + j]);
        }
        out.putShort(exactFp16(GgmlType.Q6_K, b.d()[i], "d", i));
    }

    /** llama.cpp's 12-byte packing of eight 6-bit scales and mins (the inverse of {@code get_scale_min_k4}). */
    static byte[] packScales(int[] sc, int[] m, int off) {
        byte[] q = new byte[12];
        for (int j = 0; j < 4; j++) {
            q[j] = (byte) (sc[off + j] | (sc[off + 4 + j] >> 4) << 6);
            q[j + 4] = (byte) (m[off + j] | (m[off + 4 + j] >> 4) << 6);
            q[j + 8] = (byte) ((sc[off + 4 + j] & 15) | (m[off + 4 + j] & 15) << 4);
        }
        return q;
    }

    /** llama.cpp {@code get_scale_min_k4}: {scale, min} of sub-block {@code j} from the 12 bytes at {@code pos}. */
    static int[] scaleMin(byte[] bytes, int pos, int j) {
        int qj = bytes[pos + j] & 0xFF;
        int qj4 = bytes[pos + j + 4] & 0xFF;
        if (j < 4) {
            return new int[] {qj & 63, qj4 & 63};
        }
        int qjm4 = bytes[pos + j - 4] & 0xFF;
        return new int[] {(qj4 & 15) | (qjm4 >> 6) << 4, (qj4 >> 4) | (qj >> 6) << 4};
    }

    /** The super-block contents of {@code numel} elements stored in {@code bytes}. */
    public static Blocks unpack(GgmlType t, byte[] bytes, int numel) {
        if (t.bytesFor(numel) != bytes.length) {
            throw new GgufFormatException(t + ": " + numel + " elements need " + t.bytesFor(numel) + " bytes, got "
                    + bytes.length);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int nb = numel / QK_K;
        int perBlock = QK_K / subBlockSize(t);
        int[] codes = new int[numel];
        float[] d = new float[nb];
        float[] dmin = hasMin(t) ? new float[nb] : null;
        int[] sc = new int[nb * perBlock];
        int[] mn = hasMin(t) ? new int[nb * perBlock] : null;
        for (int i = 0; i < nb; i++) {
            int pos = i * t.blockBytes();
            int base = i * QK_K;
            if (t == GgmlType.Q6_K) {
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 64; l++) {
                        int ql = bytes[pos + 64 * h + l] & 0xFF;
                        int qh = bytes[pos + 128 + 32 * h + (l & 31)] & 0xFF;
                        int sLow = l >> 5; // sub-row 0 or 1 for the low nibble, 2 or 3 for the high nibble
                        codes[base + 128 * h + l] = (ql & 15) | ((qh >> (2 * sLow)) & 3) << 4;
                        codes[base + 128 * h + 64 + l] = (ql >> 4) | ((qh >> (2 * (sLow + 2))) & 3) << 4;
                    }
                }
                for (int j = 0; j < 16; j++) {
                    sc[i * 16 + j] = bytes[pos + 192 + j];
                }
                d[i] = HalfFloats.fp16BitsToFloat(in.getShort(pos + 208));
                continue;
            }
            if (t == GgmlType.Q3_K) {
                for (int e = 0; e < QK_K; e++) {
                    int h = e / 128;
                    int s = (e % 128) / 32;
                    int low = (bytes[pos + 32 + 32 * h + e % 32] >> (2 * s)) & 3;
                    int high = (bytes[pos + e % 32] >> (e / 32)) & 1;
                    codes[base + e] = low | high << 2;
                }
                for (int j = 0; j < 16; j++) {
                    int low = ((bytes[pos + 96 + j % 8] & 0xFF) >> (j < 8 ? 0 : 4)) & 15;
                    int high = ((bytes[pos + 104 + j % 4] & 0xFF) >> (2 * (j / 4))) & 3;
                    sc[i * 16 + j] = (low | high << 4) - 32;
                }
                d[i] = HalfFloats.fp16BitsToFloat(in.getShort(pos + 108));
                continue;
            }
            if (t == GgmlType.Q2_K) {
                for (int j = 0; j < 16; j++) {
                    sc[i * 16 + j] = bytes[pos + j] & 15;
                    mn[i * 16 + j] = (bytes[pos + j] & 0xFF) >> 4;
                }
                for (int h = 0; h < 2; h++) {
                    for (int l = 0; l < 32; l++) {
                        int v = bytes[pos + 16 + 32 * h + l] & 0xFF;
                        for (int s = 0; s < 4; s++) {
                            codes[base + 128 * h + 32 * s + l] = (v >> (2 * s)) & 3;
                        }
                    }
                }
                d[i] = HalfFloats.fp16BitsToFloat(in.getShort(pos + 80));
                dmin[i] = HalfFloats.fp16BitsToFloat(in.getShort(pos + 82));
                continue;
            }
            d[i] = HalfFloats.fp16BitsToFloat(in.getShort(pos));
            dmin[i] = HalfFloats.fp16BitsToFloat(in.getShort(pos + 2));
            for (int j = 0; j < 8; j++) {
                int[] sm = scaleMin(bytes, pos + 4, j);
                sc[i * 8 + j] = sm[0];
                mn[i * 8 + j] = sm[1];
            }
            int qhPos = pos + 16;
            int qsPos = t == GgmlType.Q5_K ? pos + 48 : pos + 16;
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    int v = bytes[qsPos + 32 * c + l] & 0xFF;
                    int lo = v & 15;
                    int hi = v >> 4;
                    if (t == GgmlType.Q5_K) {
                        int h = bytes[qhPos + l] & 0xFF;
                        lo |= ((h >> (2 * c)) & 1) << 4;
                        hi |= ((h >> (2 * c + 1)) & 1) << 4;
                    }
                    codes[base + 64 * c + l] = lo;
                    codes[base + 64 * c + 32 + l] = hi;
                }
            }
        }
        return new Blocks(codes, d, dmin, sc, mn);
    }

    /** fp32 values of {@code numel} elements (llama.cpp's {@code dequantize_row_q4_K / q5_K / q6_K}). */
    public static float[] dequantize(GgmlType t, byte[] bytes, int numel) {
        Blocks b = unpack(t, bytes, numel);
        int sub = subBlockSize(t);
        float[] out = new float[numel];
        for (int i = 0; i < numel; i++) {
            int s = i / sub;
            float d = b.d()[i / QK_K];
            float scale = d * b.scales()[s];
            if (hasMin(t)) {
                float min = b.dmin()[i / QK_K] * b.mins()[s];
                out[i] = scale * b.codes()[i] - min;
            } else {
                out[i] = scale * (b.codes()[i] - codeOffset(t));
            }
        }
        return out;
    }

    /** The code of value zero for the symmetric types: 4 for Q3_K, 32 for Q6_K. */
    public static int codeOffset(GgmlType t) {
        return switch (t) {
            case Q3_K -> 4;
            case Q6_K -> 32;
            default -> throw new IllegalArgumentException(t + " has no code offset (it stores mins)");
        };
    }

    private static void checkRanges(GgmlType t, Blocks b) {
        int maxCode = 1 << bits(t);
        for (int i = 0; i < b.codes().length; i++) {
            if (b.codes()[i] < 0 || b.codes()[i] >= maxCode) {
                throw new IllegalArgumentException(t + ": code " + b.codes()[i] + " at element " + i
                        + " is outside [0, " + maxCode + ")");
            }
        }
        int lo = hasMin(t) ? 0 : t == GgmlType.Q3_K ? -32 : -128;
        int hi = hasMin(t) ? maxSubScale(t) : t == GgmlType.Q3_K ? 31 : 127;
        for (int j = 0; j < b.scales().length; j++) {
            if (b.scales()[j] < lo || b.scales()[j] > hi || (b.mins() != null && (b.mins()[j] < 0 || b.mins()[j] > hi))) {
                throw new IllegalArgumentException(t + ": sub-block " + j + " scale/min integer outside [" + lo + ", "
                        + hi + "]");
            }
        }
    }

    private static short exactFp16(GgmlType t, float v, String what, int block) {
        short bits = HalfFloats.toFp16Bits(v);
        if (Float.compare(HalfFloats.fp16BitsToFloat(bits), v) != 0) {
            throw new IllegalArgumentException(t + ": super-block " + block + " " + what + " " + v
                    + " is not an fp16 value (quantize with fp16 super scales)");
        }
        return bits;
    }
}
