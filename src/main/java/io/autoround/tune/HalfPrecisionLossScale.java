package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The loss scale of fp16 tuning, dynamic as torch's GradScaler: the backward pass of a half-precision block must
 * neither underflow (the mean-MSE gradient per output element is 2(y - t)/N, far below fp16's smallest normal for a
 * batch of millions of elements) nor overflow (weight gradients sum over thousands of tokens). It starts at N/2, which
 * makes the output gradient (y - t) itself; an iteration whose gradients are not finite is recomputed at half the
 * scale. fp32 tuning keeps the optimizer's fixed factor and never checks (no host sync).
 */
final class HalfPrecisionLossScale {
    /** Halvings allowed in one iteration before the block is declared unstable in fp16. */
    private static final int MAX_RETRIES = 24;

    private final boolean enabled;
    private float scale;

    private HalfPrecisionLossScale(boolean enabled, float scale) {
        this.enabled = enabled;
        this.scale = scale;
    }

    /** Off: fp32 blocks use the optimizer's factor. */
    static HalfPrecisionLossScale off() {
        return new HalfPrecisionLossScale(false, 1f);
    }

    /** For a half-precision block whose micro-batch output has {@code outputElements} elements. */
    static HalfPrecisionLossScale forOutputElements(long outputElements) {
        return new HalfPrecisionLossScale(true, Float.intBitsToFloat(
                Float.floatToIntBits(Math.max(2f, outputElements / 2f)) & 0xff800000)); // a power of two: exact
    }

    boolean enabled() {
        return enabled;
    }

    float factor() {
        return scale;
    }

    /**
     * Accepts an iteration whose micro-batches all reported finite fp16 gradients (a NaN {@code loss} marks one that
     * overflowed, see the tuner), dividing the gradients back by the scale. Otherwise zeroes them, halves the scale
     * and returns false, so the caller recomputes the iteration.
     */
    boolean accept(List<NDArray> parameters, double loss) {
        return accept(parameters, loss, true);
    }

    /**
     * As {@link #accept(List, double)}; {@code unscale} false leaves accepted gradients multiplied by the scale, for an
     * optimizer that reads only their signs (one pass over every V saved per iteration).
     */
    boolean accept(List<NDArray> parameters, double loss, boolean unscale) {
        if (!enabled) {
            return true;
        }
        if (!Double.isNaN(loss)) {
            for (NDArray p : unscale ? parameters : List.<NDArray>of()) {
                p.getGradient().divi(scale); // back to the loss's own scale, so the optimizer's state stays consistent
            }
            return true;
        }
        for (NDArray p : parameters) {
            NDArray g = p.getGradient();
            try (NDArray bad = g.isNaN().logicalOr(g.isInfinite())) {
                g.set(bad, 0f); // NaN - NaN is NaN: clear the non-finite entries before zeroing
            }
            BlockOptimizer.zeroGradient(g);
        }
        scale /= 2;
        if (scale < 1f / (1 << MAX_RETRIES)) {
            throw new ArithmeticException("fp16 gradients are not finite even at loss scale " + scale
                    + "; tune this model with --disable_amp (fp32)");
        }
        return false;
    }
}
