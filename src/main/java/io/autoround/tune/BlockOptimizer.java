package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The optimizer of one block's tuning parameters (reference-spec 1.8). An instance is created per block, so its
 * per-tensor state (momentum buffers, Adam moments) starts fresh for every block; {@link #close()} frees that state.
 */
interface BlockOptimizer extends AutoCloseable {

    /** The optimizer the settings ask for, keeping its state in a sub-manager of {@code manager}. */
    static BlockOptimizer create(SignRoundSettings settings, NDManager manager) {
        // The reference's AdamRound passes no momentum to AdamW and weight_decay=0 to both optimizers.
        return settings.enableAdam() ? new AdamW(manager, 0.0) : new SignSgd(manager, settings.momentum());
    }

    /** Factor applied to the loss before backward (the reference scales by 1000 for sign-SGD, not for AdamW). */
    float lossScale();

    /**
     * True when a step depends only on the gradients' signs (SignSGD without momentum), so gradients scaled by a
     * positive factor need not be divided back first.
     */
    default boolean ignoresGradientScale() {
        return false;
    }

    /** One update of {@code p} from its gradient with learning rate {@code lr}; zeroes the gradient afterwards. */
    void step(NDArray p, double lr);

    /** {@link #step} followed by clamping {@code p} to [lo, hi] (the clipping scales' minmax_scale_bound). */
    default void stepClamped(NDArray p, double lr, float lo, float hi) {
        step(p, lr);
        clampInPlace(p, lo, hi);
    }

    /** Releases the per-tensor state. */
    @Override
    void close();

    /** Clamps a parameter's data to [lo, hi] in place (the reference's minmax_scale_bound). */
    static void clampInPlace(NDArray p, float lo, float hi) {
        try (NDArray c = p.clip(lo, hi); NDArray diff = p.sub(c)) {
            p.subi(diff);
        }
    }

    /**
     * Zeroes a gradient in place: DJL accumulates gradients across gradient collectors, like torch's zero_grad
     * this starts the next iteration from zero.
     */
    static void zeroGradient(NDArray g) {
        g.subi(g);
    }
}
