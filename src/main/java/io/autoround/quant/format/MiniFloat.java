package io.autoround.quant.format;

/**
 * Bit patterns of small sign/exponent/mantissa floats without infinities (E2M1, E2M3, E3M2, E4M3, E5M2 element
 * formats of MX), for values already on the format's grid. {@code mbits} counts sign + implicit bit + mantissa
 * bits, as the reference's {@code MXFP_FORMAT_CACHE} does.
 */
public final class MiniFloat {

    private MiniFloat() {
    }

    /** The code of an on-grid value (zeros of either sign give 0): {@code sign << (ebits+m) | biasedExp << m | mantissa}, m = mbits - 2. */
    public static int encodeExact(float value, int ebits, int mbits) {
        int m = mbits - 2;
        int bias = (1 << (ebits - 1)) - 1;
        float a = Math.abs(value);
        if (a == 0f) {
            return 0; // -0.0 is stored as +0, as the packers test x < 0 for the sign
        }
        int sign = (value < 0 ? 1 : 0) << (ebits + m);
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
