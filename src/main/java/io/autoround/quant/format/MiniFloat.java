package io.autoround.quant.format;

/**
 * Bit patterns of small sign/exponent/mantissa floats without infinities (E2M1, E2M3, E3M2, E4M3, E5M2 element
 * formats of MX), for values already on the format's grid. {@code mbits} counts sign + implicit bit + mantissa
 * bits, as the reference's {@code MXFP_FORMAT_CACHE} does.
 */
public final class MiniFloat {

    private MiniFloat() {
    }

    /**
     * The code of an on-grid value: {@code sign << (ebits+m) | biasedExp << m | mantissa}, m = mbits - 2. The sign
     * is the sign bit, so -0.0 (a small negative weight rounded to zero) keeps it, as the reference's packers do
     * ({@code torch.signbit} for FP4, the float8_e4m3fn cast for FP8; seen in its eager MXFP4/MXFP8 exports).
     */
    public static int encodeExact(float value, int ebits, int mbits) {
        int m = mbits - 2;
        int bias = (1 << (ebits - 1)) - 1;
        float a = Math.abs(value);
        int sign = (Float.floatToRawIntBits(value) >>> 31) << (ebits + m);
        if (a == 0f) {
            return sign;
        }
        int minExp = 1 - bias;
        int exp = Math.getExponent(a);
        int field;
        float mant;
        if (exp < minExp) {
            field = 0;
            mant = Math.scalb(a, m - minExp);
        } else {
            field = exp + bias;
            mant = Math.scalb(a, m - exp) - (1 << m);
        }
        if (mant != Math.rint(mant) || field >= (1 << ebits)) {
            throw new IllegalArgumentException(value + " is not on the E" + ebits + "M" + m + " grid");
        }
        return sign | field << m | (int) mant;
    }

    /** The value of a code. */
    public static float decode(int code, int ebits, int mbits) {
        int m = mbits - 2;
        int bias = (1 << (ebits - 1)) - 1;
        int sign = (code >>> (ebits + m)) & 1;
        int field = (code >>> m) & ((1 << ebits) - 1);
        int mant = code & ((1 << m) - 1);
        float a = field == 0 ? Math.scalb((float) mant, 1 - bias - m)
                : Math.scalb((float) ((1 << m) + mant), field - bias - m);
        return sign == 1 ? -a : a;
    }
}
