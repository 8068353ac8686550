package io.autoround.tune;

import ai.djl.ndarray.NDArray;

/**
 * The reference's FP8 E4M3 weight quant-dequant ({@code fp8.py::quant_fp8_sym}, reference-spec 2.7) as
 * differentiable DJL ops on the grouped view ([1, rows*cols] per tensor for FPW8A16, [rows, cols] per row):
 * {@code scale = max(max|x| * maxScale / 448, 1/(448*512))}, {@code x' = e4m3(clamp(x / scale + V, ±448)) * scale}
 * with the E4M3 rounding through an STE. Forward values equal {@link io.autoround.quant.Fp8Quantizer} bit for bit.
 */
public final class Fp8QuantDequant {
    private static final float E4M3_MAX = 448f;
    private static final float MIN_SCALE = 1f / (448f * 512f);

    private Fp8QuantDequant() {}

    /**
     * Fake-quantized grouped weight.
     *
     * @param grouped [groups, groupWidth]
     * @param v rounding offsets of the same shape, or null
     * @param maxScale per-group factor on the group max [groups, 1] (already clamped to [0, 1]), or null
     */
    public static NDArray qdq(NDArray grouped, NDArray v, NDArray maxScale) {
        NDArray amax = grouped.abs().max(new int[] {1}, true);
        if (maxScale != null) {
            amax = amax.mul(maxScale);
        }
        NDArray scale = amax.div(E4M3_MAX).clip(MIN_SCALE, Float.POSITIVE_INFINITY);
        NDArray y = grouped.div(scale);
        if (v != null) {
            y = y.add(v);
        }
        y = y.clip(-E4M3_MAX, E4M3_MAX);
        return Ste.pass(y, E4m3Rounding.round(y)).mul(scale);
    }
}
