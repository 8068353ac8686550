package io.autoround.infer;

import io.autoround.export.Dequantizer;
import io.autoround.quant.QuantizedWeight;

/**
 * The plain scalar oracle every backend is checked against: {@code y[i, n] = sum_k x[i, k] W[n, k]} in double, with
 * int weights built element by element as {@code (code - zero) * scale} straight from the {@link QuantizedWeight}
 * (other families through the format {@link Dequantizer}). Slow by design; no packing involved.
 */
public final class ScalarLinearReference {
    private ScalarLinearReference() {}

    /** x [m, cols] -> y [m, rows]. */
    public static float[] forward(QuantizedWeight w, float[] x, int m) {
        int rows = w.rows();
        int cols = w.cols();
        if (x.length != m * cols) {
            throw new IllegalArgumentException(w.name() + ": input has " + x.length + " values, expected " + m + "x" + cols);
        }
        float[] dense = "int".equals(w.scheme().dataType()) ? null : Dequantizer.dequantize(w);
        int groups = w.groupsPerRow();
        int gw = w.groupWidth();
        float[] y = new float[m * rows];
        for (int i = 0; i < m; i++) {
            for (int n = 0; n < rows; n++) {
                double acc = 0;
                for (int k = 0; k < cols; k++) {
                    double weight;
                    if (dense != null) {
                        weight = dense[n * cols + k];
                    } else {
                        int g = n * groups + k / gw;
                        weight = (double) (w.codes()[n * cols + k] - w.zeros()[g]) * w.scales()[g];
                    }
                    acc += x[i * cols + k] * weight;
                }
                y[i * rows + n] = (float) acc;
            }
        }
        return y;
    }
}
