package io.autoround.quant;

/**
 * Per-element loss weights for optimised RTN from a per-input-column importance vector (the reference's imatrix,
 * mean of x^2 over calibration tokens), with the reference's zero repair {@code _imatrix_handle_zero}
 * (reference-spec 2.8): within each quantization group, more than {@code zeroGroup/2} zero entries fall back to
 * the no-imatrix weights ({@code |w|} for 2-bit, {@code |w| + sqrt(sum(w^2)/32)} otherwise), and fewer zeros are
 * replaced by the mean of the group's non-zero entries.
 */
public final class Importance {

    private Importance() {
    }

    /**
     * Element weights [rows * cols]; all ones when {@code importance} is null.
     *
     * @param zeroGroup the reference's count base: 16 for 2-bit INT else 32; the group size for NVFP4
     */
    public static float[] elementWeights(String name, float[] w, GroupLayout layout, float[] importance, int bits,
            int zeroGroup) {
        float[] qw = new float[w.length];
        if (importance == null) {
            java.util.Arrays.fill(qw, 1f);
            return qw;
        }
        if (importance.length != layout.cols()) {
            throw new IllegalArgumentException(name + ": importance has " + importance.length
                    + " values, expected in_features " + layout.cols());
        }
        for (int r = 0; r < layout.rows(); r++) {
            System.arraycopy(importance, 0, qw, r * layout.cols(), layout.cols());
        }
        for (int g = 0; g < layout.numGroups(); g++) {
            repairGroup(w, qw, layout, g, bits, zeroGroup);
        }
        return qw;
    }

    private static void repairGroup(float[] w, float[] qw, GroupLayout layout, int g, int bits, int zeroGroup) {
        int zeros = 0;
        int count = 0;
        float sum = 0f;
        double sumSq = 0;
        for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
            for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                int i = r * layout.cols() + c;
                zeros += qw[i] == 0f ? 1 : 0;
                sum += qw[i];
                sumSq += (double) w[i] * w[i];
                count++;
            }
        }
        if (zeros == 0) {
            return;
        }
        if (zeros > zeroGroup / 2) {
            float avg = bits == 2 ? 0f : (float) Math.sqrt(sumSq / 32.0);
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    qw[i] = Math.abs(w[i]) + avg;
                }
            }
            return;
        }
        float mean = sum / (count - zeros);
        for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
            for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                int i = r * layout.cols() + c;
                if (qw[i] == 0f) {
                    qw[i] = mean;
                }
            }
        }
    }
}
