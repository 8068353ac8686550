package io.autoround.quant;

import io.autoround.quant.format.Float8E4M3;

/**
 * Scalar fp32 FP8 E4M3 activation quant-dequant ({@code fp8_sym} on inputs, reference-spec 2.7): static with the
 * calibrated per-tensor {@code input_scale} (FP8_STATIC), or dynamic with one scale
 * {@code max(amax / 448, 1/(448*512))} per token and group of input channels (FP8_BLOCK's 128).
 * {@code x' = e4m3(clamp(x / scale, ±448)) * scale}.
 */
public final class Fp8Activations {
    private Fp8Activations() {}

    /** Static per-tensor quant-dequant with {@code scale}. */
    public static float[] staticQdq(float[] x, float scale) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = qdq(x[i], scale);
        }
        return out;
    }

    /** Dynamic quant-dequant of x [m, cols], one scale per row and run of {@code group} columns (last one shorter). */
    public static float[] dynamicQdq(float[] x, int m, int cols, int group) {
        if (group <= 0) {
            throw new IllegalArgumentException("FP8 activation group must be positive, got " + group);
        }
        float[] out = new float[x.length];
        for (int r = 0; r < m; r++) {
            for (int c0 = 0; c0 < cols; c0 += group) {
                int c1 = Math.min(cols, c0 + group);
                float amax = 0f;
                for (int c = c0; c < c1; c++) {
                    amax = Math.max(amax, Math.abs(x[r * cols + c]));
                }
                float scale = Math.max(amax / Float8E4M3.MAX, Fp8Quantizer.MIN_SCALE);
                for (int c = c0; c < c1; c++) {
                    out[r * cols + c] = qdq(x[r * cols + c], scale);
                }
            }
        }
        return out;
    }

    private static float qdq(float v, float scale) {
        float y = Math.max(-Float8E4M3.MAX, Math.min(Float8E4M3.MAX, v / scale));
        return Float8E4M3.decode(Float8E4M3.encode(y)) * scale;
    }
}
