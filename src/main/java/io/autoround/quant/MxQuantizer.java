package io.autoround.quant;

import io.autoround.quant.format.MiniFloat;

/**
 * MXFP quant-dequant ({@code auto_round/data_type/mxfp.py::quant_mx} and {@code quant_mx_rceil},
 * reference-spec 2.5), scalar fp32 like the reference (which casts to fp32 first). Per group: a shared
 * power-of-two scale from the group's max magnitude ("floor" rule: {@code floor(log2 amax) - emax}; rceil:
 * {@code ceil(log2(amax / maxNorm))}), clamped to [-127, 127]; elements rounded half-to-even on the element grid.
 */
public final class MxQuantizer {

    private MxQuantizer() {
    }

    /** True if the data type selects the rceil exponent rule. */
    public static boolean isRceil(String dataType) {
        return dataType.toLowerCase().contains("rceil");
    }

    /** Quantise with the scheme's MX format; per-group max factors from {@code opts.tuning().maxScale()}. */
    public static QuantResult quantize(String name, float[] w, int rows, int cols, QuantScheme scheme,
            QuantOptions opts) {
        GroupLayout layout = GroupLayout.of(rows, cols, scheme);
        IntQuantizer.checkShape(name, w, layout);
        layout.requireWholeGroups(name, "MXFP");
        opts.tuning().check(name, layout);
        float[] coeff = new float[layout.numGroups()];
        for (int g = 0; g < coeff.length; g++) {
            coeff[g] = opts.tuning().maxAt(g);
        }
        return quantizeWithCoefficients(name, w, layout, scheme, opts.tuning(), coeff, opts.precision());
    }

    /** Quantise with explicit per-group multipliers of the group max (used by opt-RTN with 0.5/1/2). */
    static QuantResult quantizeWithCoefficients(String name, float[] w, GroupLayout layout, QuantScheme scheme,
            TuningParams t, float[] coeff, Precision out) {
        MxFormat f = MxFormat.of(scheme.dataType(), scheme.bits());
        boolean rceil = isRceil(scheme.dataType());
        int n = layout.numGroups();
        float[] scales = new float[n];
        int[] codes = new int[w.length];
        float[] deq = new float[w.length];
        for (int g = 0; g < n; g++) {
            float amax = maxAbs(w, layout, g) * coeff[g];
            int e = sharedExponent(amax, f, rceil);
            float scale = Math.scalb(1f, e);
            scales[g] = scale;
            for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
                for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                    int i = r * layout.cols() + c;
                    float y = IntQuantizer.clamp(w[i] / scale + t.vAt(i), -f.maxNorm(), f.maxNorm());
                    float q = quantElement(y, f);
                    codes[i] = MiniFloat.encodeExact(q, f.ebits(), f.mbits());
                    deq[i] = out.round(q * scale);
                }
            }
        }
        return new QuantResult(new QuantizedWeight(name, layout.rows(), layout.cols(), scheme, codes, scales, null,
                Float.NaN), deq);
    }

    /** The shared exponent of a group with (scaled) max magnitude {@code amax}. */
    public static int sharedExponent(float amax, MxFormat f, boolean rceil) {
        int e;
        if (rceil) {
            e = amax == 0f ? 1 : (int) Math.ceil(log2f(amax / f.maxNorm()));
        } else {
            e = amax == 0f ? 1 - f.emax() : (int) Math.floor(log2f(amax)) - f.emax();
        }
        return Math.max(-127, Math.min(127, e));
    }

    /**
     * Round one scaled element to the format's grid exactly as {@code quant_element} with "even" mantissa
     * rounding: private exponent {@code max(floor(log2|y|), minExp)}, scale to mbits-2 fraction bits, round half
     * to even via {@code floor(|t| + 0.5) - [(|t| - 0.5) mod 2 == 0]} in fp32, undo, clamp.
     */
    public static float quantElement(float y, MxFormat f) {
        float frac = Math.scalb(1f, f.mbits() - 2);
        float t;
        float pow = 1f;
        if (f.ebits() != 0) {
            float a = Math.abs(y) + (y == 0f ? 1f : 0f);
            int pe = Math.max((int) Math.floor(log2f(a)), f.minExponent());
            pow = Math.scalb(1f, pe);
            t = y / pow * frac;
        } else {
            t = y * frac;
        }
        float abs = Math.abs(t);
        float d = abs - 0.5f;
        float rem = d - (float) Math.floor(d / 2f) * 2f;
        float rounded = (float) Math.floor(abs + 0.5f) - (rem == 0f ? 1f : 0f);
        float q = Math.signum(t) * rounded;
        q = f.ebits() != 0 ? q / frac * pow : q / frac;
        return IntQuantizer.clamp(q, -f.maxNorm(), f.maxNorm());
    }

    /** log2 rounded to fp32 (as torch.log2 on an fp32 tensor). */
    static float log2f(float x) {
        return (float) (Math.log(x) / Math.log(2.0));
    }

    static float maxAbs(float[] w, GroupLayout layout, int g) {
        float m = 0f;
        for (int r = layout.rowStart(g); r < layout.rowEnd(g); r++) {
            for (int c = layout.colStart(g); c < layout.colEnd(g); c++) {
                m = Math.max(m, Math.abs(w[r * layout.cols() + c]));
            }
        }
        return m;
    }
}
