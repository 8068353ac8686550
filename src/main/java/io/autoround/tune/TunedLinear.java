package io.autoround.tune;

/**
 * The best parameters found for one Linear.
 *
 * @param name layer name
 * @param offsets rounding offsets V, row-major [rows, cols]
 * @param minScale per-group negative-side clipping scale (null when not tuned)
 * @param maxScale per-group positive-side clipping scale (null when not tuned)
 * @param actMaxScale the scalar on the MX activation group max (NaN when not tuned)
 * @param finalized the final quantization already computed on the tuning device (offsets and scales are then null),
 *     or null when the scalar quantizer still has to apply the parameters
 */
public record TunedLinear(String name, float[] offsets, float[] minScale, float[] maxScale, float actMaxScale,
        FinalizedLinear finalized) {

    /** Parameters for the scalar final quantization. */
    public TunedLinear(String name, float[] offsets, float[] minScale, float[] maxScale, float actMaxScale) {
        this(name, offsets, minScale, maxScale, actMaxScale, null);
    }

    /** Parameters of a layer whose activations are not tuned. */
    public TunedLinear(String name, float[] offsets, float[] minScale, float[] maxScale) {
        this(name, offsets, minScale, maxScale, Float.NaN);
    }
}
