package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * The INT quant-dequant of a tuned Linear (reference-spec 1.6) with its backward pass written out, for the
 * half-precision block path: the forward builds no autograd graph over the weight (autograd would keep ~5 fp32
 * copies of every weight of the block alive through the block's forward and backward, and run ~20 full-size kernels
 * per layer), and the backward recomputes the few elementwise terms it needs and carries the per-group scale (and
 * zero point) gradients on to the min/max clipping scales by the chain rule, with no autograd pass at all.
 *
 * <p>With the straight-through rounding of the reference, for sym {@code out = s * clip(round(w/s + v))} and asym
 * {@code out = s * (clip(round(w/s + v) + zp) - zp)}, and M the mask where clip passes its input through:
 * <ul>
 *   <li>dL/dv = G s M</li>
 *   <li>dL/ds = sum over the group of G (level - M w/s), level = the dequantization factor (q, or q - zp)</li>
 *   <li>asym only: dL/dzp = -sum over the group of G s (1 - M)</li>
 * </ul>
 * Each direction is one TorchScript function per layer ({@link FusedIntQdq}, fused into a few kernels on CUDA).
 * On the CPU, V's gradient is bit-identical to autograd's (same products, same mask) and the per-group sums may differ
 * in the last bits (summation order); {@code IntQdqGradientsTest} holds both against autograd.
 */
final class IntQdqGradients {
    private IntQdqGradients() {}

    /** True for the layers this class handles (INT data types). */
    static boolean covers(LinearTuningParams p) {
        return p.type == TunableDataType.INT;
    }

    /** The fake-quantized weight [rows, cols] in {@code half}, with no autograd graph. */
    static NDArray halfWeight(LinearTuningParams p, DataType half) {
        return unpadded(p, FusedIntQdq.forward(p, half));
    }

    /**
     * Accumulates the gradients of the loss into V's and the clipping scales' gradients, given {@code weightGrad},
     * the gradient of the (possibly scaled) loss with respect to the fake-quantized weight [rows, cols] in any float
     * dtype. Returns a scalar that is finite exactly when the weight gradient was (an infinite or NaN entry reaches
     * its group's sums), so one reduction of them detects an fp16 overflow.
     */
    static NDArray backward(LinearTuningParams p, NDArray weightGrad, GradientCollector gc) {
        ensureGradientStorage(p, gc);
        return FusedIntQdq.backward(p, padded(p, weightGrad));
    }

    /**
     * As {@link #backward}, with V's SignSGD step made in the same pass (see {@link FusedIntQdq#backwardWithStep}): V
     * gets no gradient tensor; the clipping scales' gradients are accumulated for their own step.
     */
    static void backwardWithStep(LinearTuningParams p, NDArray weightGrad, GradientCollector gc, double lr) {
        ensureScaleGradientStorage(p, gc);
        FusedIntQdq.backwardWithStep(p, padded(p, weightGrad), lr);
    }

    /** Gives the clipping scales (not V) gradient tensors of their own once, as {@link #ensureGradientStorage}. */
    static void ensureScaleGradientStorage(LinearTuningParams p, GradientCollector gc) {
        if (!p.gradientStorageReady && (p.minScale != null || p.maxScale != null)) {
            NDArray touch = null;
            for (NDArray scale : new NDArray[] {p.minScale, p.maxScale}) {
                if (scale != null) {
                    touch = touch == null ? scale.mul(0f).sum() : touch.add(scale.mul(0f).sum());
                }
            }
            gc.backward(touch);
        }
        p.gradientStorageReady = true;
    }

    /**
     * Gives V and the clipping scales gradient tensors of their own once (PyTorch allocates them at the first backward
     * that reaches them; the hand-written gradients are then added in place, and the optimizer zeroes them after each
     * step).
     */
    private static void ensureGradientStorage(LinearTuningParams p, GradientCollector gc) {
        if (!p.gradientStorageReady) {
            NDArray touch = p.v.mul(0f).sum();
            for (NDArray scale : new NDArray[] {p.minScale, p.maxScale}) {
                if (scale != null) {
                    touch = touch.add(scale.mul(0f).sum());
                }
            }
            gc.backward(touch);
            p.gradientStorageReady = true;
        }
    }

    /** The grouped [groups, width] array as the layer's [rows, cols] (padding columns dropped). */
    private static NDArray unpadded(LinearTuningParams p, NDArray grouped) {
        NDArray full = grouped.reshape(p.rows, p.paddedCols);
        return p.paddedCols == p.cols ? full : full.get(new NDIndex(":, :" + p.cols));
    }

    /** A [rows, cols] gradient on the grouped layout, zero in the padding columns. */
    private static NDArray padded(LinearTuningParams p, NDArray rowMajor) {
        NDArray full = p.paddedCols == p.cols ? rowMajor : rowMajor.concat(rowMajor.getManager().zeros(
                new Shape(p.rows, p.paddedCols - p.cols), rowMajor.getDataType()), 1);
        return full.reshape(p.grouped.getShape());
    }
}
