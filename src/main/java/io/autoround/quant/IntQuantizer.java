package io.autoround.quant;

/**
 * Plain INT quant-dequant of the reference ({@code int_sym} / {@code rtn_int_sym} full range and
 * {@code int_asym}, reference-spec 1.6 and 2.4 regime 1), scalar, with optional SignRound parameters. Reproduces
 * eager PyTorch bit for bit: IEEE fp32 division, half-to-even rounding, scale rounded to the scale dtype, and in
 * {@link Precision#BF16} the asymmetric range rounded to bf16 twice.
 */
public final class IntQuantizer {

    private IntQuantizer() {
    }

    /** Quantise {@code w} ([rows * cols], row-major) with an INT scheme. */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        checkShape(name, w, layout);
        opts.tuning().check(name, layout);
        return scheme.sym() ? symmetric(name, w, layout, scheme, opts) : asymmetric(name, w, layout, scheme, opts);
    }

    static void checkShape(String name, float[] w, GroupLayout layout) {
        if (w.length != (long) layout.rows() * layout.cols()) {
            throw new IllegalArgumentException(name + ": weight has " + w.length + " values, expected "
                    + layout.rows() + "x" + layout.cols());
        }
    }

    /** Full-range symmetric: the group's extreme value maps to -2^(b-1); the scale may be negative. */
    static QuantResult symmetric(String name, float[] w, GroupLayout layout, QuantScheme scheme, QuantOptions opts) {
        int maxq = 1 << (scheme.bits() - 1);
        TuningParams t = opts.tuning();
        ScaleDtype sd = opts.scaleDtype();
        int n = layout.numGroups();
        float[] scales = new float[n];
        int[] zeros = new int[n];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        for (int g = 0; g < n; g++) {
            float[] mm = minMax(w, layout, g);
            float wminAbs = -(mm[0] * t.minAt(g));
            float wmaxAbs = mm[1] * t.maxAt(g);
            float maxv = wmaxAbs < wminAbs ? wminAbs : -Math.max(wmaxAbs, wminAbs);
            float s = clampSigned(sd.round(maxv / maxq), sd);
            scales[g] = s;
            zeros[g] = maxq;
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    float q = clamp((float) Math.rint(w[i] / s + t.vAt(i)), -maxq, maxq - 1);
                    codes[i] = (int) q + maxq;
                    deq[i] = opts.precision().round(s * q);
                }
            }
        }
        return new QuantResult(new QuantizedWeight(name, layout.rows(), layout.cols(), scheme, codes, scales, zeros,
                Float.NaN), deq);
    }

    /** Asymmetric: scale = (wmax - wmin) / (2^b - 1), zero point = round(-wmin / scale). */
    static QuantResult asymmetric(String name, float[] w, GroupLayout layout, QuantScheme scheme, QuantOptions opts) {
        int maxq = (1 << scheme.bits()) - 1;
        TuningParams t = opts.tuning();
        ScaleDtype sd = opts.scaleDtype();
        // In eager bf16 the range and the division by maxq are rounded to bf16; min/max factors (fp32 per-group
        // tensors when tuning) promote the arithmetic to fp32.
        Precision p = t.minScale() == null && t.maxScale() == null ? opts.precision() : Precision.FP32;
        int n = layout.numGroups();
        float[] scales = new float[n];
        int[] zeros = new int[n];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        for (int g = 0; g < n; g++) {
            float[] mm = minMax(w, layout, g);
            float wmin = t.minScale() == null ? mm[0] : mm[0] * t.minAt(g);
            float wmax = t.maxScale() == null ? mm[1] : mm[1] * t.maxAt(g);
            float s = sd.round(p.round(p.round(wmax - wmin) / maxq));
            if (s < sd.threshold()) {
                s = sd.clampedThreshold();
            }
            float zp = (float) Math.rint(-wmin / s);
            scales[g] = s;
            zeros[g] = (int) zp;
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    float q = clamp((float) Math.rint(w[i] / s + t.vAt(i)) + zp, 0, maxq);
                    codes[i] = (int) q;
                    deq[i] = opts.precision().round(s * (q - zp));
                }
            }
        }
        return new QuantResult(new QuantizedWeight(name, layout.rows(), layout.cols(), scheme, codes, scales, zeros,
                Float.NaN), deq);
    }

    /** {min(0, min(group)), max(0, max(group))}. */
    static float[] minMax(float[] w, GroupLayout layout, int g) {
        float min = 0f;
        float max = 0f;
        for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
            int base = r * layout.cols();
            for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                float x = w[base + c];
                if (x < min) {
                    min = x;
                }
                if (x > max) {
                    max = x;
                }
            }
        }
        return new float[] {min, max};
    }

    /**
     * The reference's sign-aware clamp: negative scales to at most -thresh, others (including -0.0, which is not
     * below zero) to at least +thresh; the clamped value is the threshold in the scale dtype.
     */
    static float clampSigned(float s, ScaleDtype sd) {
        if (s < 0) {
            return s > -sd.threshold() ? -sd.clampedThreshold() : s;
        }
        return s < sd.threshold() ? sd.clampedThreshold() : s;
    }

    static float clamp(float x, float lo, float hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
