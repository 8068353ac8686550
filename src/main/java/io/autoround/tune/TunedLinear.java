package io.autoround.tune;

/**
 * The best parameters found for one Linear.
 *
 * @param name layer name
 * @param offsets rounding offsets V, row-major [rows, cols]
 * @param minScale per-group negative-side clipping scale (null when not tuned)
 * @param maxScale per-group positive-side clipping scale (null when not tuned)
 * @param actMaxScale the scalar on the MX activation group max (NaN when not tuned)
 */
public record TunedLinear(String name, float[] offsets, float[] minScale, float[] maxScale, float actMaxScale) {

    /** Parameters of a layer whose activations are not tuned. */
    public TunedLinear(String name, float[] offsets, float[] minScale, float[] maxScale) {
        this(name, offsets, minScale, maxScale, Float.NaN);
    }
}
