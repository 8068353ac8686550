package io.autoround.quant.format;

/**
 * Round-to-nearest-even conversions of fp32 values to the 16-bit float formats PyTorch uses, returned both as
 * raw bits and as the (exactly representable) float value. PyTorch's {@code .to(torch.float16)} and
 * {@code .to(torch.bfloat16)} both round half to even; these methods reproduce them bit for bit.
 */
public final class HalfFloats {

    private HalfFloats() {
    }

    /** fp32 to IEEE binary16 bits, round-to-nearest-even, overflow to infinity, NaN stays NaN. */
    public static short toFp16Bits(float x) {
        return Float.floatToFloat16(x);
    }

    /** IEEE binary16 bits to fp32 (exact). */
    public static float fp16BitsToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** The fp16 value nearest to {@code x} (ties to even), as a float. */
    public static float roundToFp16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    /** fp32 to bfloat16 bits, round-to-nearest-even; NaN becomes a quiet NaN with the same sign. */
    public static short toBf16Bits(float x) {
        int bits = Float.floatToRawIntBits(x);
        if (Float.isNaN(x)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half to even; a carry into the exponent is correct
        // (it yields the next binade or infinity).
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** bfloat16 bits to fp32 (exact: the bits become the high half). */
    public static float bf16BitsToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The bf16 value nearest to {@code x} (ties to even), as a float. */
    public static float roundToBf16(float x) {
        return bf16BitsToFloat(toBf16Bits(x));
    }
}
