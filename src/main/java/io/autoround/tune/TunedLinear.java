package io.autoround.tune;

/**
 * The best parameters found for one Linear.
 *
 * @param name layer name
 * @param offsets rounding offsets V, row-major [rows, cols]
 * @param minScale per-group negative-side clipping scale (null when not tuned)
 * @param maxScale per-group positive-side clipping scale (null when not tuned)
 */
public record TunedLinear(String name, float[] offsets, float[] minScale, float[] maxScale) {}
