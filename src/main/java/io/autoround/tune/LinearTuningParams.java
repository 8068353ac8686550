package io.autoround.tune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.autoround.quant.QuantScheme;

/**
 * The learnable state of one Linear during SignRound (reference-spec 1.6): rounding offset V on the grouped weight
 * view, and per-group min/max clipping scales, plus the constants derived once from the original weight.
 */
final class LinearTuningParams implements AutoCloseable {
    final String name;
    final QuantScheme scheme;
    final int rows;
    final int cols;
    final int groupWidth;
    final int paddedCols;
    final NDArray grouped;   // [groups, groupWidth] original weight, zero-padded
    final NDArray wmin0;     // [groups, 1]
    final NDArray wmax0;     // [groups, 1]
    final NDArray v;         // [groups, groupWidth], learnable
    final NDArray minScale;  // [groups, 1], learnable (null when min/max tuning is off)
    final NDArray maxScale;
    final float thresh;

    LinearTuningParams(NDManager manager, String name, QuantScheme scheme, NDArray weight, boolean minmaxTuning) {
        if (!"int".equals(scheme.dataType())) {
            throw new UnsupportedOperationException(name + ": SignRound tuning of data type '" + scheme.dataType()
                    + "' is not implemented yet (int only); use --iters 0 for this scheme");
        }
        this.name = name;
        this.scheme = scheme;
        this.rows = Math.toIntExact(weight.getShape().get(0));
        this.cols = Math.toIntExact(weight.getShape().get(1));
        int g = scheme.groupSize();
        NDArray w = weight.duplicate();
        w.attach(manager);
        if (g == 0) {
            this.groupWidth = rows * cols;
            this.paddedCols = cols;
            this.grouped = w.reshape(1, (long) rows * cols);
        } else {
            this.groupWidth = (g < 0 || cols < g) ? cols : g;
            int groups = (cols + groupWidth - 1) / groupWidth;
            this.paddedCols = groups * groupWidth;
            NDArray padded = paddedCols == cols ? w
                    : w.concat(manager.zeros(new Shape(rows, paddedCols - cols)), 1);
            this.grouped = padded.reshape((long) rows * groups, groupWidth);
        }
        this.wmin0 = grouped.min(new int[] {1}, true).minimum(0f);
        this.wmax0 = grouped.max(new int[] {1}, true).maximum(0f);
        this.v = manager.zeros(grouped.getShape());
        this.v.setRequiresGradient(true);
        if (minmaxTuning) {
            this.minScale = manager.ones(wmin0.getShape());
            this.maxScale = manager.ones(wmin0.getShape());
            this.minScale.setRequiresGradient(true);
            this.maxScale.setRequiresGradient(true);
        } else {
            this.minScale = null;
            this.maxScale = null;
        }
        this.thresh = 1e-5f;
    }

    /** Fake-quantized weight [rows, cols] with the current parameters (differentiable). */
    NDArray qdqWeight() {
        int bits = scheme.bits();
        NDArray q;
        if (scheme.sym()) {
            NDArray scale = IntQuantDequant.symScale(wmin0, wmax0, minScale, maxScale, bits, thresh, true);
            q = IntQuantDequant.sym(grouped, v, scale, bits);
        } else {
            q = IntQuantDequant.asym(grouped, v, wmin0, wmax0, minScale, maxScale, bits, thresh, true);
        }
        NDArray full = q.reshape(rows, paddedCols);
        return paddedCols == cols ? full : full.get(new NDIndex(":, :" + cols));
    }

    /** V as a [rows, cols] row-major array (padding dropped), for the scalar final quantization. */
    float[] offsetsRowMajor() {
        float[] g = v.toFloatArray();
        if (paddedCols == cols) {
            return g;
        }
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(g, r * paddedCols, out, r * cols, cols);
        }
        return out;
    }

    @Override
    public void close() {
        grouped.close();
        wmin0.close();
        wmax0.close();
        v.close();
        if (minScale != null) {
            minScale.close();
            maxScale.close();
        }
    }
}
