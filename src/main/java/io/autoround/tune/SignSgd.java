package io.autoround.tune;

import ai.djl.ndarray.NDArray;

/**
 * The reference's optimizer with its defaults: p -= lr * sign(grad) (momentum 0, no weight decay; other momentum
 * values are refused when the run is planned).
 * Gradients are zeroed after every step because DJL accumulates them across gradient collectors.
 */
final class SignSgd {
    private SignSgd() {}

    /** One step on a parameter; returns nothing, updates {@code p} in place and zeroes its gradient. */
    static void step(NDArray p, double lr) {
        try (NDArray g = p.getGradient()) {
            try (NDArray delta = g.sign().muli((float) lr)) {
                p.subi(delta);
            }
            g.subi(g);
        }
    }

    /** Clamps a parameter's data to [lo, hi] in place (the reference's minmax_scale_bound). */
    static void clampInPlace(NDArray p, float lo, float hi) {
        try (NDArray c = p.clip(lo, hi); NDArray diff = p.sub(c)) {
            p.subi(diff);
        }
    }
}
