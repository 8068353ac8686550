package io.autoround.quant.format;

/**
 * FP4 E2M1: 1 sign, 2 exponent, 1 mantissa bit; magnitudes {0, 0.5, 1, 1.5, 2, 3, 4, 6}. The code is the 4-bit
 * pattern {@code sign << 3 | index} where index is the magnitude's position in that list.
 */
public final class Float4E2M1 {

    /** Largest magnitude. */
    public static final float MAX = 6f;

    private static final float[] MAGNITUDES = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f};

    private Float4E2M1() {
    }

    /** The value of a 4-bit code (low 4 bits used). */
    public static float decode(int code) {
        float m = MAGNITUDES[code & 7];
        return (code & 8) != 0 ? -m : m;
    }

    /**
     * Round to the E2M1 grid like the reference's {@code cast_to_fp4}: on |x|, below 2 round to halves, below 4 to
     * integers, else to even integers, all half-to-even, then clamp to 6; the sign is re-applied, so a small
     * negative value gives -0.0 as {@code torch.sign(x) * 0.0} does.
     */
    public static float round(float x) {
        float a = Math.abs(x);
        float r;
        if (a < 2f) {
            r = (float) Math.rint(2f * a) / 2f;
        } else if (a < 4f) {
            r = (float) Math.rint(a);
        } else {
            r = 2f * (float) Math.rint(a / 2f);
        }
        r = Math.min(r, MAX);
        return x < 0 ? -r : r;
    }

    /** Round {@code x} to the grid (as {@link #round}) and return its 4-bit code. Zero of either sign encodes as 0 (packers test x < 0). */
    public static int encode(float x) {
        float r = round(x);
        float a = Math.abs(r);
        int idx = a < 2f ? (int) (a * 2f) : (a == 2f ? 4 : a == 3f ? 5 : a == 4f ? 6 : 7);
        return (r < 0 ? 8 : 0) | idx;
    }
}
