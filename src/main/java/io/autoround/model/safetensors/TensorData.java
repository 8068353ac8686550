package io.autoround.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tensor to be written: name, dtype, shape and its little-endian bytes.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions
 * @param bytes little-endian data, exactly numel * dtype size bytes
 */
public record TensorData(String name, DType dtype, long[] shape, byte[] bytes) {

    public TensorData {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (dtype != DType.F4 && n * dtype.byteSize() != bytes.length) {
            throw new IllegalArgumentException(name + ": " + dtype + " shape needs " + n * dtype.byteSize()
                    + " bytes, got " + bytes.length);
        }
    }

    /** fp32 values stored as F32, F16 or BF16 (16-bit targets rounded to nearest even). */
    public static TensorData ofFloats(String name, long[] shape, float[] values, DType dtype) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> { for (float v : values) b.putFloat(v); }
            case F16 -> { for (float v : values) b.putShort(Float.floatToFloat16(v)); }
            case BF16 -> { for (float v : values) b.putShort(floatToBf16(v)); }
            default -> throw new IllegalArgumentException(name + ": cannot store floats as " + dtype);
        }
        return new TensorData(name, dtype, shape, b.array());
    }

    /** int values stored as I32 (or the low bytes for I16/I8/U8). */
    public static TensorData ofInts(String name, long[] shape, int[] values, DType dtype) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case I32, U32 -> { for (int v : values) b.putInt(v); }
            case I16, U16 -> { for (int v : values) b.putShort((short) v); }
            case I8, U8, BOOL, F8_E4M3, F8_E5M2, F8_E8M0 -> { for (int v : values) b.put((byte) v); }
            case I64 -> { for (int v : values) b.putLong(v); }
            default -> throw new IllegalArgumentException(name + ": cannot store ints as " + dtype);
        }
        return new TensorData(name, dtype, shape, b.array());
    }

    /** fp32 to bf16 with round-to-nearest-even (NaN kept quiet). */
    public static short floatToBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public long byteLength() {
        return bytes.length;
    }
}
