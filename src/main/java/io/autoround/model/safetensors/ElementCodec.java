package io.autoround.model.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Converts raw little-endian tensor data to Java arrays, widening 8/16-bit floats to fp32 in Java. */
public final class ElementCodec {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ElementCodec() {}

    /** bf16 bit pattern to fp32 (exact). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** FP8 E4M3 (the "fn" variant: no infinities, 0x7F/0xFF are NaN) to fp32 (exact). */
    public static float e4m3ToFloat(int code) {
        int sign = (code & 0x80) != 0 ? -1 : 1;
        int exp = (code >> 3) & 0xF;
        int man = code & 0x7;
        if (exp == 0xF && man == 0x7) {
            return Float.NaN;
        }
        float mag = exp == 0 ? man * 0x1p-9f : Math.scalb(1f + man / 8f, exp - 7);
        return sign * mag;
    }

    /** FP8 E5M2 to fp32: it is the upper byte of an fp16. */
    public static float e5m2ToFloat(int code) {
        return Float.float16ToFloat((short) ((code & 0xFF) << 8));
    }

    /**
     * Index of the first NaN or infinite element of a floating tensor's raw data (bit tests, no copy), or -1; integer
     * dtypes have none.
     */
    public static long firstNonFinite(MemorySegment data, DType dtype, long n) {
        switch (dtype) {
            case F32 -> { for (long i = 0; i < n; i++) if (!Float.isFinite(data.getAtIndex(FLOAT, i))) return i; }
            case F64 -> { for (long i = 0; i < n; i++) if (!Double.isFinite(data.getAtIndex(DOUBLE, i))) return i; }
            case F16 -> { for (long i = 0; i < n; i++) if ((data.getAtIndex(SHORT, i) & 0x7C00) == 0x7C00) return i; }
            case BF16 -> { for (long i = 0; i < n; i++) if ((data.getAtIndex(SHORT, i) & 0x7F80) == 0x7F80) return i; }
            case F8_E4M3 -> { for (long i = 0; i < n; i++) if ((data.get(ValueLayout.JAVA_BYTE, i) & 0x7F) == 0x7F) return i; }
            case F8_E5M2 -> { for (long i = 0; i < n; i++) if ((data.get(ValueLayout.JAVA_BYTE, i) & 0x7C) == 0x7C) return i; }
            default -> { }
        }
        return -1;
    }

    /** Reads {@code n} elements of a floating (or integer) dtype as fp32. */
    public static float[] toFloats(MemorySegment data, DType dtype, int n) {
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, FLOAT, 0, out, 0, n);
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(data.getAtIndex(SHORT, i)); }
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = bf16ToFloat(data.getAtIndex(SHORT, i)); }
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) data.getAtIndex(DOUBLE, i); }
            case F8_E4M3 -> { for (int i = 0; i < n; i++) out[i] = e4m3ToFloat(data.get(ValueLayout.JAVA_BYTE, i)); }
            case F8_E5M2 -> { for (int i = 0; i < n; i++) out[i] = e5m2ToFloat(data.get(ValueLayout.JAVA_BYTE, i)); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i); }
            case U8, BOOL -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i) & 0xFF; }
            case I16 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(SHORT, i); }
            case I32 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(INT, i); }
            case I64 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(LONG, i); }
            default -> throw new IllegalArgumentException("cannot read " + dtype + " as float");
        }
        return out;
    }

    /**
     * Writes {@code n} elements of {@code src} widened to fp32 into {@code dst} in native byte order, without a Java
     * heap copy (the off-heap load path of block streaming). The values are exactly those of {@link #toFloats}.
     */
    public static void widenInto(MemorySegment src, DType dtype, MemorySegment dst, long n) {
        ValueLayout.OfFloat out = ValueLayout.JAVA_FLOAT_UNALIGNED;
        switch (dtype) {
            case F32 -> MemorySegment.copy(src, FLOAT, 0, dst, out, 0, n);
            case BF16 -> { for (long i = 0; i < n; i++) dst.setAtIndex(out, i, bf16ToFloat(src.getAtIndex(SHORT, i))); }
            case F16 -> { for (long i = 0; i < n; i++) dst.setAtIndex(out, i, Float.float16ToFloat(src.getAtIndex(SHORT, i))); }
            default -> {
                // rarer dtypes: through the heap in bounded chunks
                int chunk = 1 << 20;
                for (long off = 0; off < n; off += chunk) {
                    int len = (int) Math.min(chunk, n - off);
                    float[] f = toFloats(src.asSlice(off * dtype.byteSize(), (long) len * dtype.byteSize()), dtype, len);
                    MemorySegment.copy(f, 0, dst, out, off * Float.BYTES, len);
                }
            }
        }
    }

    /** Reads {@code n} elements of an integer dtype (I8, U8, BOOL, I16, U16, I32, U32 bit pattern) as int. */
    public static int[] toInts(MemorySegment data, DType dtype, int n) {
        int[] out = new int[n];
        switch (dtype) {
            case I32, U32 -> MemorySegment.copy(data, INT, 0, out, 0, n);
            case I16 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(SHORT, i); }
            case U16, F16, BF16 -> { for (int i = 0; i < n; i++) out[i] = data.getAtIndex(SHORT, i) & 0xFFFF; }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i); }
            case U8, BOOL, F8_E4M3, F8_E5M2, F8_E8M0 -> {
                for (int i = 0; i < n; i++) out[i] = data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            }
            case I64 -> { for (int i = 0; i < n; i++) out[i] = Math.toIntExact(data.getAtIndex(LONG, i)); }
            default -> throw new IllegalArgumentException("cannot read " + dtype + " as int");
        }
        return out;
    }

    /** Reads I64 elements. */
    public static long[] toLongs(MemorySegment data, DType dtype, int n) {
        long[] out = new long[n];
        switch (dtype) {
            case I64, U64 -> MemorySegment.copy(data, LONG, 0, out, 0, n);
            default -> {
                int[] ints = toInts(data, dtype, n);
                for (int i = 0; i < n; i++) out[i] = ints[i];
            }
        }
        return out;
    }
}
