package io.autoround.quant.format;

/**
 * FP8 E4M3 "fn" (finite, no infinities): bias 7, 3 mantissa bits, max 448, NaN = S.1111.111, smallest subnormal
 * 2^-9. Encoding rounds half to even like {@code tensor.to(torch.float8_e4m3fn)}; like PyTorch it does not
 * saturate: a magnitude that rounds above 448 (i.e. {@code >= 464}) becomes NaN, so callers clamp first.
 */
public final class Float8E4M3 {

    /** Largest finite magnitude. */
    public static final float MAX = 448f;
    /** The canonical NaN byte (positive). */
    public static final int NAN = 0x7F;

    private static final float[] DECODE = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            DECODE[b] = decodeSlow(b);
        }
    }

    private Float8E4M3() {
    }

    private static float decodeSlow(int b) {
        int sign = (b >> 7) & 1;
        int exp = (b >> 3) & 0xF;
        int man = b & 0x7;
        float mag;
        if (exp == 0xF && man == 0x7) {
            return Float.NaN;
        } else if (exp == 0) {
            mag = man * 0x1p-9f;
        } else {
            mag = (1f + man / 8f) * Math.scalb(1f, exp - 7);
        }
        return sign == 1 ? -mag : mag;
    }

    /** The value of an E4M3 byte (only the low 8 bits are used). */
    public static float decode(int code) {
        return DECODE[code & 0xFF];
    }

    /** Round {@code x} to the nearest E4M3 value (ties to even) and return its byte. */
    public static int encode(float x) {
        if (Float.isNaN(x)) {
            return NAN;
        }
        int sign = (Float.floatToRawIntBits(x) >>> 31) << 7;
        float a = Math.abs(x);
        if (a >= 464f) {
            return sign | NAN;
        }
        int bits;
        if (a < 0x1p-6f) {
            // Subnormal range: multiples of 2^-9; the scaled value is exact in fp32.
            int m = (int) Math.rint(a * 0x1p9f);
            bits = m; // m == 8 lands exactly on the smallest normal (exp 1, man 0)
        } else {
            int e = Math.getExponent(a);
            float scaled = Math.scalb(a, 3 - e); // in [8, 16)
            int m = (int) Math.rint(scaled);     // 8..16, carry handled below
            int biased = e + 7;
            if (m == 16) {
                m = 8;
                biased++;
            }
            bits = (biased << 3) | (m - 8);
        }
        return sign | bits;
    }

    /** The E4M3 value nearest to {@code x}, as a float (NaN above the range, see class doc). */
    public static float round(float x) {
        return decode(encode(x));
    }
}
