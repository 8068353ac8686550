package io.autoround.quant;

/**
 * The SignRound learnable parameters applied inside a quant function (reference-spec 1.6): a per-element rounding
 * offset V (added to {@code w/scale} before rounding; not clamped) and per-group min/max range factors (clamped to
 * [0, 1] before use). Any array may be null, meaning V = 0 or factor = 1.
 *
 * @param v rounding offsets, row-major [rows * cols], or null
 * @param minScale per-group factor on the negative range end, [numGroups], or null
 * @param maxScale per-group factor on the positive range end (the only one MX/NV/FP8 use), [numGroups], or null
 */
public record TuningParams(float[] v, float[] minScale, float[] maxScale) {

    /** No tuning: V = 0, factors = 1 (pure RTN). */
    public static final TuningParams NONE = new TuningParams(null, null, null);

    /** True when all three are absent. */
    public boolean isNone() {
        return v == null && minScale == null && maxScale == null;
    }

    /** V at element i (0 when absent). */
    public float vAt(int i) {
        return v == null ? 0f : v[i];
    }

    /** The min factor of group g clamped to [0, 1] (1 when absent). */
    public float minAt(int g) {
        return minScale == null ? 1f : clamp01(minScale[g]);
    }

    /** The max factor of group g clamped to [0, 1] (1 when absent). */
    public float maxAt(int g) {
        return maxScale == null ? 1f : clamp01(maxScale[g]);
    }

    /** Checks array lengths against a layout; throws naming the layer. */
    public void check(String layer, GroupLayout layout) {
        long n = (long) layout.rows() * layout.cols();
        if (v != null && v.length != n) {
            throw new IllegalArgumentException(layer + ": V has " + v.length + " values, expected " + n);
        }
        int g = layout.numGroups();
        if (minScale != null && minScale.length != g) {
            throw new IllegalArgumentException(layer + ": min_scale has " + minScale.length + " values, expected " + g);
        }
        if (maxScale != null && maxScale.length != g) {
            throw new IllegalArgumentException(layer + ": max_scale has " + maxScale.length + " values, expected " + g);
        }
    }

    private static float clamp01(float x) {
        return Math.max(0f, Math.min(1f, x));
    }
}
