package io.autoround.quant.format;

/**
 * E8M0: an unsigned 8-bit biased exponent (bias 127) encoding the power of two {@code 2^(byte - 127)}; 0xFF is NaN.
 * MX formats store their shared block scale this way (reference-spec 2.5 / 3.6: byte = clamp(e + 127, 0, 255)).
 */
public final class ScaleE8M0 {

    /** The NaN byte. */
    public static final int NAN = 0xFF;

    private ScaleE8M0() {
    }

    /** Byte for the shared exponent {@code e}: {@code clamp(e + 127, 0, 255)}. */
    public static int encodeExponent(int e) {
        return Math.max(0, Math.min(255, e + 127));
    }

    /** The exponent of a byte ({@code byte - 127}); throws for the NaN byte. */
    public static int decodeExponent(int b) {
        int v = b & 0xFF;
        if (v == NAN) {
            throw new IllegalArgumentException("E8M0 byte 0xFF is NaN and has no exponent");
        }
        return v - 127;
    }

    /** The value {@code 2^(byte - 127)} as a float (2^-127 is an fp32 subnormal, exact), NaN for 0xFF. */
    public static float decode(int b) {
        int v = b & 0xFF;
        return v == NAN ? Float.NaN : Math.scalb(1f, v - 127);
    }

    /** Byte for a power-of-two scale value {@code 2^e}; throws if the value is not a power of two. */
    public static int encodeScale(float powerOfTwo) {
        if (!(powerOfTwo > 0) || Float.isInfinite(powerOfTwo)) {
            throw new IllegalArgumentException("E8M0 scale must be a positive finite power of two, got " + powerOfTwo);
        }
        int e = Math.getExponent(powerOfTwo);
        if (e < Float.MIN_EXPONENT) {
            e = Math.getExponent(powerOfTwo * 0x1p64f) - 64;
        }
        if (Math.scalb(1f, e) != powerOfTwo) {
            throw new IllegalArgumentException("E8M0 scale must be a power of two, got " + powerOfTwo);
        }
        return encodeExponent(e);
    }
}
