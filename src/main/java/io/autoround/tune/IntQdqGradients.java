package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * The INT quant-dequant of a tuned Linear (reference-spec 1.6) with its backward pass written out, for the
 * half-precision block path: the forward builds no autograd graph over the weight (autograd would keep ~5 fp32
 * copies of every weight of the block alive through the block's forward and backward, and run ~20 full-size kernels
 * per layer), and the backward recomputes the few elementwise terms it needs. Only the per-group scale (and zero
 * point) graph, a few thousand elements, still goes through autograd to reach the min/max clipping scales.
 *
 * <p>With the straight-through rounding of the reference, for sym {@code out = s * clip(round(w/s + v))} and asym
 * {@code out = s * (clip(round(w/s + v) + zp) - zp)}, and M the mask where clip passes its input through:
 * <ul>
 *   <li>dL/dv = G s M</li>
 *   <li>dL/ds = sum over the group of G (level - M w/s), level = the dequantization factor (q, or q - zp)</li>
 *   <li>asym only: dL/dzp = -sum over the group of G s (1 - M)</li>
 * </ul>
 * V's gradient is bit-identical to autograd's (same products, same mask); the per-group sums may differ in the last
 * bits (summation order). {@code IntQdqGradientsTest} holds both against autograd on the CPU.
 */
final class IntQdqGradients {
    private IntQdqGradients() {}

    /** True for the layers this class handles (INT data types). */
    static boolean covers(LinearTuningParams p) {
        return p.type == TunableDataType.INT;
    }

    /** The fake-quantized weight [rows, cols] in {@code half}, with no autograd graph. */
    static NDArray halfWeight(LinearTuningParams p, DataType half) {
        // the fp32 temporaries (five copies of the weight's size) are freed now, not when the micro-batch ends
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = halfWeightInScope(p, half);
            NDScope.unregister(out);
        }
        NDScope.register(out); // the caller's scope (the micro-batch) frees it
        return out;
    }

    private static NDArray halfWeightInScope(LinearTuningParams p, DataType half) {
        NDArray w = p.grouped;
        NDArray v = p.v.stopGradient();
        float maxq;
        NDArray q;
        if (p.scheme.sym()) {
            maxq = 1 << (p.scheme.bits() - 1);
            NDArray s = symScale(p).stopGradient();
            q = w.div(s).add(v).round().clip(-maxq, maxq - 1).mul(s);
        } else {
            maxq = (1 << p.scheme.bits()) - 1;
            NDArray[] sz = asymScaleAndZero(p);
            NDArray s = sz[0].stopGradient();
            NDArray zp = sz[1].stopGradient();
            q = w.div(s).add(v).round().add(zp).clip(0f, maxq).sub(zp).mul(s);
        }
        return unpadded(p, q.toType(half, false));
    }

    /**
     * Accumulates the gradients of the loss into V's and the clipping scales' gradients, given {@code weightGrad},
     * the gradient of the (possibly scaled) loss with respect to the fake-quantized weight [rows, cols] in any float
     * dtype. Returns the per-group scale gradients [groups, 1]: finite exactly when the weight gradient was (an
     * infinite or NaN entry reaches its group's sum), so one reduction of them detects an fp16 overflow.
     */
    static NDArray backward(LinearTuningParams p, NDArray weightGrad, GradientCollector gc) {
        ensureGradientStorage(p, gc);
        // the full-size temporaries of one layer are freed before the next layer's are made
        NDArray groupSums;
        try (NDScope scope = new NDScope()) {
            groupSums = backwardInScope(p, weightGrad, gc);
            NDScope.unregister(groupSums);
        }
        NDScope.register(groupSums); // the caller's scope (the micro-batch) frees it
        return groupSums;
    }

    private static NDArray backwardInScope(LinearTuningParams p, NDArray weightGrad, GradientCollector gc) {
        NDArray g = padded(p, weightGrad);
        NDArray w = p.grouped;
        NDArray v = p.v.stopGradient();
        if (p.scheme.sym()) {
            float maxq = 1 << (p.scheme.bits() - 1);
            NDArray scaleGraph = symScale(p);
            NDArray s = scaleGraph.stopGradient();
            NDArray u = w.div(s);
            NDArray r = u.add(v).round();
            NDArray level = r.clip(-maxq, maxq - 1);
            NDArray pass = level.eq(r);
            NDArray gs = g.mul(s);
            p.v.getGradient().addi(gs.mul(pass)); // float times bool: the mask in the same kernel
            NDArray ds = g.mul(level.sub(u.mul(pass))).sum(new int[] {1}, true);
            if (p.minScale != null || p.maxScale != null) {
                gc.backward(scaleGraph.mul(ds).sum());
            }
            return ds;
        }
        float maxq = (1 << p.scheme.bits()) - 1;
        NDArray[] graph = asymScaleAndZero(p);
        NDArray s = graph[0].stopGradient();
        NDArray zp = graph[1].stopGradient();
        NDArray u = w.div(s);
        NDArray t = u.add(v).round().add(zp);
        NDArray q = t.clip(0f, maxq);
        NDArray pass = q.eq(t);
        NDArray gs = g.mul(s);
        NDArray vGrad = gs.mul(pass);
        p.v.getGradient().addi(vGrad);
        NDArray ds = g.mul(q.sub(zp).sub(u.mul(pass))).sum(new int[] {1}, true);
        NDArray dzp = vGrad.sub(gs).sum(new int[] {1}, true); // -sum(G s (1 - M))
        if (p.minScale != null || p.maxScale != null) {
            gc.backward(graph[0].mul(ds).sum().add(graph[1].mul(dzp).sum()));
        }
        return ds.add(dzp);
    }

    /**
     * Gives V a gradient tensor of its own once (PyTorch allocates it at the first backward that reaches V; the
     * hand-written gradient is then added to it in place, and the optimizer zeroes it after each step).
     */
    private static void ensureGradientStorage(LinearTuningParams p, GradientCollector gc) {
        if (!p.gradientStorageReady) {
            gc.backward(p.v.mul(0f).sum());
            p.gradientStorageReady = true;
        }
    }

    private static NDArray symScale(LinearTuningParams p) {
        return IntQuantDequant.symScale(p.wmin0, p.wmax0, p.minScale, p.maxScale, p.scheme.bits(), p.thresh, true);
    }

    /** {scale, zero point} of an asym layer, differentiable in the clipping scales, as {@link IntQuantDequant#asym}'s. */
    private static NDArray[] asymScaleAndZero(LinearTuningParams p) {
        return IntQuantDequant.asymScaleAndZero(p.wmin0, p.wmax0, p.minScale, p.maxScale, p.scheme.bits(), p.thresh, true);
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
