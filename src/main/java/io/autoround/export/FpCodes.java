package io.autoround.export;

import io.autoround.model.safetensors.ElementCodec;
import java.util.HashMap;
import java.util.Map;

/** Element and scale encodings of the MX/NV fp formats: E2M1 nibbles, E4M3 bytes, E8M0 exponents. */
public final class FpCodes {
    private static final float[] E2M1 = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f};
    private static final Map<Float, Integer> E4M3_CODE = new HashMap<>();

    static {
        for (int c = 0x7E; c >= 0; c--) {
            E4M3_CODE.put(ElementCodec.e4m3ToFloat(c), c);
        }
    }

    private FpCodes() {}

    /** Value of an E2M1 nibble (bit 3 = sign). */
    public static float e2m1ToFloat(int code) {
        float v = E2M1[code & 7];
        return (code & 8) != 0 ? -v : v;
    }

    /** The E4M3 byte of a value that is exactly representable (block scales), else an error. */
    public static int floatToE4m3Exact(float v, String what) {
        Integer c = E4M3_CODE.get(Math.abs(v));
        if (c == null || Float.isNaN(v)) {
            throw new IllegalArgumentException(what + ": " + v + " is not an FP8 E4M3 value");
        }
        return (Float.floatToRawIntBits(v) < 0 && v != 0) ? c | 0x80 : c;
    }

    /** The E8M0 byte of a power-of-two scale 2^e: e + 127 (2^-127 .. 2^127), else an error. */
    public static int powerOfTwoToE8m0(float scale, String what) {
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException(what + ": scale " + scale + " is not a positive power of two");
        }
        int e = Math.getExponent(scale);
        if (e < Float.MIN_EXPONENT) {
            e = Float.MIN_EXPONENT - 1; // 2^-127 is an fp32 subnormal
        }
        if (Math.scalb(1f, e) != scale || e < -127 || e > 127) {
            throw new IllegalArgumentException(what + ": scale " + scale + " is not a power of two in 2^-127..2^127");
        }
        return e + 127;
    }

    /** The scale of an E8M0 byte. */
    public static float e8m0ToFloat(int code) {
        return code == 0xFF ? Float.NaN : Math.scalb(1f, (code & 0xFF) - 127);
    }
}
