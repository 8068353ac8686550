package io.autoround.tune;

import ai.djl.ndarray.NDArray;

/**
 * The reference's optimizer: p -= lr * sign(grad) (momentum 0, no weight decay), with optional momentum buffer.
 * Gradients are zeroed after every step because DJL accumulates them across gradient collectors.
 */
final class SignSgd {
    private SignSgd() {}

    /** One step on a parameter; returns nothing, updates {@code p} in place and zeroes its gradient. */
    static void step(NDArray p, NDArray momentumBuffer, double momentum, double lr) {
        try (NDArray g = p.getGradient()) {
            NDArray d = g;
            if (momentumBuffer != null && momentum != 0) {
                momentumBuffer.muli((float) momentum).addi(g);
                d = momentumBuffer;
            }
            try (NDArray delta = d.sign().muli((float) lr)) {
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
