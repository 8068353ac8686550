package io.autoround.export.gguf;

import io.autoround.model.safetensors.TensorData;
import io.autoround.quant.format.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Byte layouts of the legacy ggml block types and the float types (reference-spec 3.7, llama.cpp
 * {@code block_q4_0} ... {@code block_q8_0}); all little-endian, {@code d} and {@code m} fp16, 32 elements per block.
 *
 * <p>"Levels" are the unsigned stored codes: value = {@code d * (level - offset)} for the {@code _0} types (offset 8,
 * 16 and 128 for Q4_0, Q5_0 and Q8_0, whose byte is the signed {@code level - 128}) and {@code d * level + m} for
 * the {@code _1} types. They equal {@code QuantizedWeight} codes with zero point = offset.
 * <ul>
 *   <li>Q4_0 (18 B): d, 16 bytes; byte j = level[j] | level[j + 16] << 4.</li>
 *   <li>Q4_1 (20 B): d, m, then the nibbles as Q4_0.</li>
 *   <li>Q5_0 (22 B): d, qh (uint32, bit j = bit 4 of level[j]), 16 bytes of low nibbles as Q4_0.</li>
 *   <li>Q5_1 (24 B): d, m, qh, low nibbles.</li>
 *   <li>Q8_0 (34 B): d, 32 int8.</li>
 * </ul>
 */
public final class GgmlBlockCodec {
    /** Elements per legacy block. */
    public static final int QK = 32;

    private GgmlBlockCodec() {}

    /** The level subtracted before scaling for the {@code _0} types (0 for the {@code _1} types). */
    public static int offset(GgmlType t) {
        return switch (t) {
            case Q4_0 -> 8;
            case Q5_0 -> 16;
            case Q8_0 -> 128;
            case Q4_1, Q5_1 -> 0;
            default -> throw new IllegalArgumentException(t + " is not a legacy block type");
        };
    }

    /** Number of levels (2^bits). */
    public static int levels(GgmlType t) {
        return switch (t) {
            case Q4_0, Q4_1 -> 16;
            case Q5_0, Q5_1 -> 32;
            case Q8_0 -> 256;
            default -> throw new IllegalArgumentException(t + " is not a legacy block type");
        };
    }

    /** True for Q4_1 and Q5_1 (a per-block minimum {@code m}). */
    public static boolean hasMin(GgmlType t) {
        return t == GgmlType.Q4_1 || t == GgmlType.Q5_1;
    }

    /**
     * Packs levels (row-major, {@code numel} a multiple of 32) with one {@code d} (and {@code m}) per block.
     * Scales must be exact fp16 values: the file stores fp16, and silently rounding would change the weights.
     */
    public static byte[] pack(GgmlType t, int[] level, float[] d, float[] m) {
        int nBlocks = level.length / QK;
        if (level.length % QK != 0 || d.length != nBlocks || (hasMin(t) != (m != null))
                || (m != null && m.length != nBlocks)) {
            throw new IllegalArgumentException(t + ": " + level.length + " levels need " + nBlocks + " scales"
                    + (hasMin(t) ? " and mins" : "") + ", got " + d.length + (m == null ? "" : " / " + m.length));
        }
        ByteBuffer out = ByteBuffer.allocate(nBlocks * t.blockBytes()).order(ByteOrder.LITTLE_ENDIAN);
        int max = levels(t);
        for (int b = 0; b < nBlocks; b++) {
            int base = b * QK;
            for (int j = 0; j < QK; j++) {
                if (level[base + j] < 0 || level[base + j] >= max) {
                    throw new IllegalArgumentException(t + ": level " + level[base + j] + " at element " + (base + j)
                            + " is outside [0, " + max + ")");
                }
            }
            out.putShort(exactFp16(t, d[b], "scale", b));
            if (m != null) {
                out.putShort(exactFp16(t, m[b], "min", b));
            }
            if (t == GgmlType.Q8_0) {
                for (int j = 0; j < QK; j++) {
                    out.put((byte) (level[base + j] - 128));
                }
                continue;
            }
            if (t == GgmlType.Q5_0 || t == GgmlType.Q5_1) {
                int qh = 0;
                for (int j = 0; j < QK; j++) {
                    qh |= ((level[base + j] >> 4) & 1) << j;
                }
                out.putInt(qh);
            }
            for (int j = 0; j < QK / 2; j++) {
                out.put((byte) ((level[base + j] & 15) | (level[base + j + QK / 2] & 15) << 4));
            }
        }
        return out.array();
    }

    private static short exactFp16(GgmlType t, float v, String what, int block) {
        short bits = HalfFloats.toFp16Bits(v);
        if (Float.compare(HalfFloats.fp16BitsToFloat(bits), v) != 0 && !(Float.isNaN(v))) {
            throw new IllegalArgumentException(t + ": block " + block + " " + what + " " + v
                    + " is not an fp16 value (quantize with fp16 scales)");
        }
        return bits;
    }

    /** The levels of {@code numel} elements stored in {@code bytes}. */
    public static int[] unpackLevels(GgmlType t, byte[] bytes, int numel) {
        checkSize(t, bytes, numel);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] level = new int[numel];
        for (int b = 0; b < numel / QK; b++) {
            int pos = b * t.blockBytes() + (hasMin(t) ? 4 : 2);
            int base = b * QK;
            if (t == GgmlType.Q8_0) {
                for (int j = 0; j < QK; j++) {
                    level[base + j] = bytes[pos + j] + 128;
                }
                continue;
            }
            int qh = 0;
            if (t == GgmlType.Q5_0 || t == GgmlType.Q5_1) {
                qh = in.getInt(pos);
                pos += 4;
            }
            for (int j = 0; j < QK / 2; j++) {
                int byteValue = bytes[pos + j] & 0xFF;
                level[base + j] = (byteValue & 15) | ((qh >>> j) & 1) << 4;
                level[base + j + QK / 2] = (byteValue >>> 4) | ((qh >>> (j + QK / 2)) & 1) << 4;
            }
        }
        return level;
    }

    /** Per-block {@code d} (index 0) and, for the {@code _1} types, {@code m} (index 1). */
    public static float[][] unpackScales(GgmlType t, byte[] bytes, int numel) {
        checkSize(t, bytes, numel);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = numel / QK;
        float[] d = new float[n];
        float[] m = hasMin(t) ? new float[n] : null;
        for (int b = 0; b < n; b++) {
            d[b] = HalfFloats.fp16BitsToFloat(in.getShort(b * t.blockBytes()));
            if (m != null) {
                m[b] = HalfFloats.fp16BitsToFloat(in.getShort(b * t.blockBytes() + 2));
            }
        }
        return new float[][] {d, m};
    }

    /** fp32 values of a tensor of {@code numel} elements of type {@code t} (llama.cpp's dequantize_row_*). */
    public static float[] dequantize(GgmlType t, byte[] bytes, int numel) {
        checkSize(t, bytes, numel);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[numel];
        switch (t) {
            case F32 -> { for (int i = 0; i < numel; i++) out[i] = in.getFloat(4 * i); }
            case F16 -> { for (int i = 0; i < numel; i++) out[i] = HalfFloats.fp16BitsToFloat(in.getShort(2 * i)); }
            case BF16 -> { for (int i = 0; i < numel; i++) out[i] = HalfFloats.bf16BitsToFloat(in.getShort(2 * i)); }
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> {
                return GgmlKBlockCodec.dequantize(t, bytes, numel);
            }
            default -> {
                int[] level = unpackLevels(t, bytes, numel);
                float[][] dm = unpackScales(t, bytes, numel);
                int off = offset(t);
                for (int i = 0; i < numel; i++) {
                    float d = dm[0][i / QK];
                    out[i] = dm[1] == null ? (level[i] - off) * d : level[i] * d + dm[1][i / QK];
                }
            }
        }
        return out;
    }

    /** fp32 values stored as F32, F16 or BF16 (16-bit types rounded to nearest even). */
    public static byte[] packFloats(GgmlType t, float[] values) {
        return switch (t) {
            case F32 -> TensorData.ofFloats("", new long[] {values.length}, values, io.autoround.model.safetensors.DType.F32).bytes();
            case F16 -> TensorData.ofFloats("", new long[] {values.length}, values, io.autoround.model.safetensors.DType.F16).bytes();
            case BF16 -> TensorData.ofFloats("", new long[] {values.length}, values, io.autoround.model.safetensors.DType.BF16).bytes();
            default -> throw new IllegalArgumentException(t + " is not a float type");
        };
    }

    /**
     * The levels the reference's packer derives from fake-quantized values {@code x} and the block scales
     * (reference-spec 3.7): Q4_0/Q5_0 {@code trunc(x/d + 8.5 | 16.5)}, Q4_1/Q5_1 {@code trunc((x - m)/d + 0.5)},
     * all in float64 and clamped; Q8_0 {@code roundf(x/d)} (half away from zero) clamped to [-128, 127].
     * A zero scale gives the zero level, as llama.cpp's {@code id = d ? 1/d : 0}.
     */
    public static int[] levelsFromValues(GgmlType t, float[] x, float[] d, float[] m) {
        int[] level = new int[x.length];
        int max = levels(t) - 1;
        for (int i = 0; i < x.length; i++) {
            int b = i / QK;
            double id = d[b] == 0 ? 0 : 1.0 / d[b];
            level[i] = switch (t) {
                case Q4_0 -> clamp((int) (x[i] * id + 8.5), 0, max);
                case Q5_0 -> clamp((int) (x[i] * id + 16.5), 0, max);
                case Q4_1, Q5_1 -> clamp((int) ((x[i] - (double) m[b]) * id + 0.5), 0, max);
                case Q8_0 -> clamp((int) roundHalfAwayFromZero(x[i] * id), -128, 127) + 128;
                default -> throw new IllegalArgumentException(t + " is not a legacy block type");
            };
        }
        return level;
    }

    private static double roundHalfAwayFromZero(double v) {
        return Math.signum(v) * Math.floor(Math.abs(v) + 0.5);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static void checkSize(GgmlType t, byte[] bytes, int numel) {
        if (t.bytesFor(numel) != bytes.length) {
            throw new GgufFormatException(t + ": " + numel + " elements need " + t.bytesFor(numel) + " bytes, got "
                    + bytes.length);
        }
    }
}
