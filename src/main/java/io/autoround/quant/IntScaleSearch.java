package io.autoround.quant;

/**
 * Optimised RTN for symmetric INT ({@code opt_rtn_int_sym}: {@code quant_tensor_opt_rtn_sym} /
 * {@code search_scales}, reference-spec 1.14). Per group, starting from {@code scale = -m / nmax} (m = the signed
 * element of largest magnitude) it tries {@code scale = -m / (nmax - step*j)} for j in [-J, J] \ {0}
 * (2-bit: step 0.01, J 90; else step {@code ratio*nmax/100}, J 100, ratio 0.75) and keeps the scale with the
 * lowest importance-weighted squared error. The scale stays in the weight's precision (no fp16 rounding inside);
 * the stored scale is rounded to the scale dtype as the export does.
 */
public final class IntScaleSearch {

    /** The reference's default search ratio (env {@code AR_SEARCH_SCALE_RATIO}). */
    public static final double DEFAULT_RATIO = 0.75;

    private IntScaleSearch() {
    }

    /** Opt-RTN quant-dequant with the configured ratio ({@link #configuredRatio()}). */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        return quantize(name, w, rows, cols, scheme, opts, configuredRatio());
    }

    /**
     * The search ratio: env {@code AR_SEARCH_SCALE_RATIO} as in the reference, else {@link #DEFAULT_RATIO}.
     *
     * @throws IllegalArgumentException when the variable is set but not a positive number
     */
    public static double configuredRatio() {
        return parseRatio(System.getenv("AR_SEARCH_SCALE_RATIO"));
    }

    static double parseRatio(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_RATIO;
        }
        double r;
        try {
            r = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("AR_SEARCH_SCALE_RATIO must be a positive number, got '" + value + "'");
        }
        if (!(r > 0) || Double.isInfinite(r)) {
            throw new IllegalArgumentException("AR_SEARCH_SCALE_RATIO must be a positive number, got '" + value + "'");
        }
        return r;
    }

    /** Opt-RTN quant-dequant with an explicit search ratio. */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts, double ratio) {
        if (!scheme.sym()) {
            throw new IllegalArgumentException(name + ": the opt-RTN scale search is for symmetric INT only");
        }
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        IntQuantizer.checkShape(name, w, layout);
        int bits = scheme.bits();
        int nmax = 1 << (bits - 1);
        Precision p = opts.precision();
        float[] qw = Importance.elementWeights(name, w, layout, opts.importance(), bits, bits == 2 ? 16 : 32);
        double step = bits == 2 ? 0.01 : ratio * nmax / 100.0;
        int span = bits == 2 ? 90 : 100;
        int n = layout.numGroups();
        float[] scales = new float[n];
        int[] zeros = new int[n];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        float thresh = p.round(1e-5f);
        for (int g = 0; g < n; g++) {
            float rm = rcp(p.round(signedMax(w, layout, g)), p);
            float best = rcp(p.round(-nmax * rm), p);
            double bestLoss = loss(w, qw, layout, g, p.round(-nmax * rm), best, nmax, p);
            for (int j = -span; j <= span; j++) {
                if (j == 0) {
                    continue;
                }
                float iscale = p.round((float) -(nmax - step * j) * rm);
                float scale = rcp(iscale, p);
                double l = loss(w, qw, layout, g, iscale, scale, nmax, p);
                if (l < bestLoss) {
                    bestLoss = l;
                    best = scale;
                }
            }
            float s = best < 0 ? Math.min(best, -thresh) : Math.max(best, thresh);
            scales[g] = opts.scaleDtype().round(s);
            zeros[g] = nmax;
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    float q = IntQuantizer.clamp((float) Math.rint(p.round(w[i] / s)), -nmax, nmax - 1);
                    codes[i] = (int) q + nmax;
                    deq[i] = p.round(q * s);
                }
            }
        }
        return new QuantResult(new QuantizedWeight(name, rows, cols, scheme, codes, scales, zeros, Float.NaN), deq);
    }

    /** Weighted squared error of quantising group g with codes round(iscale * x) and dequant scale. */
    private static double loss(float[] w, float[] qw, GroupLayout layout, int g, float iscale, float scale, int nmax,
            Precision p) {
        double sum = 0;
        for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
            for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                int i = r * layout.cols() + c;
                float l = IntQuantizer.clamp((float) Math.rint(p.round(iscale * w[i])), -nmax, nmax - 1);
                float d = p.round(p.round(scale * l) - w[i]);
                sum += qw[i] * (d * d);
            }
        }
        return sum;
    }

    /** The element of largest magnitude with its sign (first one on ties, like argmax). */
    static float signedMax(float[] w, GroupLayout layout, int g) {
        float best = 0f;
        for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
            for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                float x = w[r * layout.cols() + c];
                if (Math.abs(x) > Math.abs(best)) {
                    best = x;
                }
            }
        }
        return best;
    }

    /** {@code get_reciprocal} for non-fp16 tensors: 0 below 1e-30 in magnitude, else 1/x in the precision. */
    private static float rcp(float x, Precision p) {
        return Math.abs(x) < 1e-30f ? 0f : p.round(1f / x);
    }
}
