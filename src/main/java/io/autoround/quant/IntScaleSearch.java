package io.autoround.quant;

import java.util.stream.IntStream;

/**
 * Optimised RTN for symmetric INT ({@code opt_rtn_int_sym}: {@code quant_tensor_opt_rtn_sym} /
 * {@code search_scales}, reference-spec 1.14). Per group, starting from {@code scale = -m / nmax} (m = the signed
 * element of largest magnitude) it tries {@code scale = -m / (nmax - step*j)} for j in [-J, J] \ {0}
 * (2-bit: step 0.01, J 90; else step {@code ratio*nmax/100}, J 100, ratio 0.75) and keeps the scale with the
 * lowest importance-weighted squared error. The scale stays in the weight's precision (no fp16 rounding inside);
 * the stored scale is rounded to the scale dtype as the export does.
 *
 * <p>Groups are searched in parallel; the candidates' losses come from a {@link CandidateLoss} (the Vector API kernel
 * by default), which gives the same chosen scale as the scalar loop bit for bit.
 */
public final class IntScaleSearch {

    /** The reference's default search ratio (env {@code AR_SEARCH_SCALE_RATIO}). */
    public static final double DEFAULT_RATIO = 0.75;

    /** Groups one parallel task searches: enough to amortise its buffers, few enough to balance the cores. */
    private static final int GROUPS_PER_TASK = 64;

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
        return quantize(name, w, rows, cols, scheme, opts, ratio, CandidateLoss.VECTOR);
    }

    /** Opt-RTN quant-dequant evaluating the candidates with {@code lossFn} (tests compare implementations). */
    static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme, QuantOptions opts,
            double ratio, CandidateLoss lossFn) {
        if (!scheme.sym()) {
            throw new IllegalArgumentException(name + ": the opt-RTN scale search is for symmetric INT only");
        }
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        IntQuantizer.checkShape(name, w, layout);
        int bits = scheme.bits();
        int nmax = 1 << (bits - 1);
        float[] qw = Importance.elementWeights(name, w, layout, opts.importance(), bits, bits == 2 ? 16 : 32);
        double step = bits == 2 ? 0.01 : ratio * nmax / 100.0;
        int span = bits == 2 ? 90 : 100;
        int n = layout.numGroups();
        float[] scales = new float[n];
        int[] zeros = new int[n];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        // groups are independent and each writes only its own slots, so the result does not depend on the split
        int chunks = (n + GROUPS_PER_TASK - 1) / GROUPS_PER_TASK;
        IntStream.range(0, chunks).parallel().forEach(t -> {
            GroupSearch search = new GroupSearch(w, qw, layout, nmax, step, span, opts.precision(), lossFn);
            for (int g = t * GROUPS_PER_TASK; g < Math.min(n, (t + 1) * GROUPS_PER_TASK); g++) {
                float s = search.bestScale(g);
                scales[g] = opts.scaleDtype().round(s);
                zeros[g] = nmax;
                search.quantizeGroup(g, s, codes, deq);
            }
        });
        return new QuantResult(new QuantizedWeight(name, rows, cols, scheme, codes, scales, zeros, Float.NaN), deq);
    }

    /** The search of one group at a time, with buffers reused across the groups of one task. */
    private static final class GroupSearch {
        private final float[] w;
        private final float[] qw;
        private final GroupLayout layout;
        private final int nmax;
        private final double step;
        private final int span;
        private final Precision p;
        private final CandidateLoss lossFn;
        private final float thresh;
        private final float[] x;
        private final float[] xw;
        private final float[] iscales;
        private final float[] scales;
        private final double[] losses;

        GroupSearch(float[] w, float[] qw, GroupLayout layout, int nmax, double step, int span, Precision p,
                CandidateLoss lossFn) {
            this.w = w;
            this.qw = qw;
            this.layout = layout;
            this.nmax = nmax;
            this.step = step;
            this.span = span;
            this.p = p;
            this.lossFn = lossFn;
            this.thresh = p.round(1e-5f);
            int size = layout.perTensor() ? layout.rows() * layout.cols() : layout.width();
            x = new float[size];
            xw = new float[size];
            iscales = new float[2 * span + 1];
            scales = new float[2 * span + 1];
            losses = new double[2 * span + 1];
        }

        /**
         * The searched scale of group g: candidate 0 is {@code -m / nmax}, then j = -span..span without 0; the first
         * candidate of lowest loss wins (strict {@code <}), as in the reference's loop.
         */
        float bestScale(int g) {
            int len = gather(g);
            float rm = rcp(p.round(signedMax(w, layout, g)), p);
            iscales[0] = p.round(-nmax * rm);
            scales[0] = rcp(iscales[0], p);
            int k = 1;
            for (int j = -span; j <= span; j++) {
                if (j != 0) {
                    iscales[k] = p.round((float) -(nmax - step * j) * rm);
                    scales[k] = rcp(iscales[k], p);
                    k++;
                }
            }
            // candidate 0 first: its loss bounds the others, whose evaluation can stop once they exceed it
            losses[0] = CandidateLoss.scalarLoss(x, xw, len, iscales[0], scales[0], nmax, p);
            lossFn.losses(x, xw, len, iscales, scales, 1, k, nmax, p, losses[0], losses);
            float best = scales[0];
            double bestLoss = losses[0];
            for (int c = 1; c < k; c++) {
                if (losses[c] < bestLoss) {
                    bestLoss = losses[c];
                    best = scales[c];
                }
            }
            return best < 0 ? Math.min(best, -thresh) : Math.max(best, thresh);
        }

        /** Copies group g's elements and weights, row by row, into the contiguous buffers; returns their count. */
        private int gather(int g) {
            int len = 0;
            int c0 = layout.colStart(g);
            int width = layout.colEnd(g) - c0;
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                System.arraycopy(w, r * layout.cols() + c0, x, len, width);
                System.arraycopy(qw, r * layout.cols() + c0, xw, len, width);
                len += width;
            }
            return len;
        }

        /** Codes and fake-quant values of group g at scale s (before the scale dtype rounding, as the reference). */
        void quantizeGroup(int g, float s, int[] codes, float[] deq) {
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    float q = IntQuantizer.clamp((float) Math.rint(p.round(w[i] / s)), -nmax, nmax - 1);
                    codes[i] = (int) q + nmax;
                    deq[i] = p.round(q * s);
                }
            }
        }
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
