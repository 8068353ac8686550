package io.autoround.quant;

/**
 * Optimised RTN for the MX and NVFP4 families (reference-spec 1.14): per group, try multipliers of the group max
 * and keep the one with the lowest importance-weighted squared error. MX ({@code quant_mx_opt_rtn}): {1, 0.5, 2};
 * NVFP4 ({@code opt_rtn_fast_nvfp4 / search_nvfp4_scale}): 1.0 then 0.50, 0.51, ..., 1.51, with the search on the
 * weight's own global scale and the final quantisation on the requested (e.g. fused) one. A later candidate
 * replaces the current best only when strictly better.
 */
public final class FpOptimizedRtn {

    private static final float[] MX_CANDIDATES = {1f, 0.5f, 2f};

    private FpOptimizedRtn() {
    }

    /** MX opt-RTN. */
    public static QuantResult mx(String name, float[] w, int rows, int cols, QuantScheme scheme, QuantOptions opts) {
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        IntQuantizer.checkShape(name, w, layout);
        layout.requireWholeGroups(name, "MXFP");
        float[] qw = Importance.elementWeights(name, w, layout, opts.importance(), scheme.bits(), 32);
        float[] chosen = search(w, qw, layout, MX_CANDIDATES,
                coeff -> MxQuantizer.quantizeWithCoefficients(name, w, layout, scheme, TuningParams.NONE, coeff,
                        Precision.FP32));
        return MxQuantizer.quantizeWithCoefficients(name, w, layout, scheme, opts.tuning(), chosen,
                opts.precision());
    }

    /** NVFP4 opt-RTN. */
    public static QuantResult nvfp4(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        IntQuantizer.checkShape(name, w, layout);
        layout.requireWholeGroups(name, "NVFP4");
        float[] qw = Importance.elementWeights(name, w, layout, opts.importance(), scheme.bits(), layout.width());
        float[] candidates = new float[102];
        candidates[0] = 1f;
        int k = 1;
        for (int v = 50; v < 152; v++) {
            if (v != 100) {
                candidates[k++] = (float) (v / 100.0);
            }
        }
        float ownGs = NvFp4Quantizer.globalScale(w);
        float[] chosen = search(w, qw, layout, java.util.Arrays.copyOf(candidates, k),
                coeff -> NvFp4Quantizer.quantizeWithCoefficients(name, w, layout, scheme, TuningParams.NONE, coeff,
                        ownGs, Precision.FP32));
        float gs = Float.isNaN(opts.nvGlobalScale()) ? ownGs : opts.nvGlobalScale();
        float[] coeff = new float[chosen.length];
        for (int g = 0; g < coeff.length; g++) {
            coeff[g] = chosen[g] * opts.tuning().maxAt(g);
        }
        return NvFp4Quantizer.quantizeWithCoefficients(name, w, layout, scheme, opts.tuning(), coeff, gs,
                opts.precision());
    }

    private static float[] search(float[] w, float[] qw, GroupLayout layout, float[] candidates,
            java.util.function.Function<float[], QuantResult> run) {
        int n = layout.numGroups();
        float[] chosen = new float[n];
        double[] bestLoss = new double[n];
        java.util.Arrays.fill(bestLoss, Double.POSITIVE_INFINITY);
        float[] coeff = new float[n];
        for (float cand : candidates) {
            java.util.Arrays.fill(coeff, cand);
            float[] deq = run.apply(coeff).dequantized();
            for (int g = 0; g < n; g++) {
                double l = weightedError(w, deq, qw, layout, g);
                if (l < bestLoss[g]) {
                    bestLoss[g] = l;
                    chosen[g] = cand;
                }
            }
        }
        return chosen;
    }

    /** Importance-weighted squared reconstruction error of group g. */
    static double weightedError(float[] w, float[] deq, float[] qw, GroupLayout layout, int g) {
        double sum = 0;
        for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
            for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                int i = r * layout.cols() + c;
                float d = deq[i] - w[i];
                sum += qw[i] * (d * d);
            }
        }
        return sum;
    }
}
