package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;

/**
 * Rounding to the FP8 E4M3 grid with plain fp32 DJL ops (no FP8 tensor types), as
 * {@code tensor.to(torch.float8_e4m3fn)} does for inputs already clamped to ±448: exponent floor(log2|y|) but at
 * least the smallest normal exponent -6, 3 mantissa bits, ties to even. Matches
 * {@link io.autoround.quant.format.Float8E4M3#round}. No gradient: callers wrap it in {@link Ste#pass}.
 */
final class E4m3Rounding {
    private static final float MIN_NORMAL_EXPONENT = -6f;
    private static final int MANTISSA_BITS = 3;

    private E4m3Rounding() {}

    /** Nearest E4M3 value of each element of {@code y} (|y| <= 448). */
    static NDArray round(NDArray y) {
        NDArray x = y.stopGradient();
        NDArray a = x.abs();
        NDArray positive = NDArrays.where(a.eq(0f), a.onesLike(), a);
        NDArray e = Ste.exponent(positive).maximum(MIN_NORMAL_EXPONENT);
        NDArray quantum = Ste.pow2(e.sub(MANTISSA_BITS));
        // a / quantum is exact (power of two), round() is half-to-even like the fp8 cast
        NDArray r = a.div(quantum).round().mul(quantum);
        return r.mul(x.sign());
    }
}
